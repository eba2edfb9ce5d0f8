// forumctl sweep plan | run | merge | status | submit: a balance sweep as
// independent shards that any batch engine can run (tools/sweep_plan.h);
// `submit` drives Slurm job arrays and prints Kubernetes Indexed Jobs.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/balance.h"
#include "tools/chart.h"
#include "tools/cmd_sweep.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/draw.h"
#include "tools/report_json.h"
#include "tools/sweep_plan.h"

namespace mf::tools {
namespace {

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// Runs a shell command; its stdout (stderr goes to ours), and the exit code.
int Shell(const std::string& command, std::string* out) {
  out->clear();
  FILE* f = popen(command.c_str(), "r");
  if (f == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  const int status = pclose(f);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string TrimLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> SplitValues(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  if (!text.empty() && text.back() == ',') out.push_back("");
  return out;
}

}  // namespace

void AddParamOptions(CLI::App* sub, std::vector<std::string>* params,
                     std::vector<std::string>* values) {
  sub->add_option("--param", *params,
                  "a numeric field of mf.Parameters, e.g. role_offset_destination; repeat "
                  "--param F --values ... for a grid of every combination")
      ->type_name("FIELD")
      ->allow_extra_args(false)
      ->check(Check("FIELD", [](const std::string& field) -> std::string {
        for (const std::string& f : ParameterFields())
          if (f == field) return "";
        std::string known;
        for (const std::string& f : ParameterFields()) known += (known.empty() ? "" : ", ") + f;
        return "'" + field + "' is not a numeric field of mf.Parameters; they are: " + known;
      }));
  sub->add_option("--values", *values,
                  "the values of the --param before it, comma-separated; a negative first value "
                  "needs the = form: --values=-8,-6,0")
      ->type_name("A,B,...")
      ->allow_extra_args(false);
}

bool AxesOf(const std::vector<std::string>& params, const std::vector<std::string>& values,
            std::vector<SweepAxis>* axes, std::string* error) {
  if (params.size() != values.size()) {
    *error = "give one --values per --param (" + std::to_string(params.size()) + " --param, " +
             std::to_string(values.size()) + " --values)";
    return false;
  }
  axes->clear();
  for (size_t i = 0; i < params.size(); ++i) {
    for (const SweepAxis& a : *axes)
      if (a.field == params[i]) {
        *error = "--param " + params[i] + " is given twice";
        return false;
      }
    axes->push_back({params[i], SplitValues(values[i])});
  }
  return true;
}

void AddSweepOutputs(CLI::App* sub, SweepOutputArgs* a) {
  AddText(sub, "--out", &a->out, "FILE",
          "also write the report (JSON: mf.SweepReport; without --param the point's "
          "mf.BalanceReport, as forumctl balance --out writes it)");
  AddText(sub, "--csv", &a->csv, "FILE", "also one CSV row per point");
  AddText(sub, "--chart", &a->chart, "FILE",
          "the balance chart of a single point (no --param); .png, .svg or .pdf")
      ->check(Check("FILE", [](const std::string& path) {
        draw::Format f;
        std::string error;
        return draw::FormatOfPath(path, &f, &error) ? std::string() : error;
      }));
  sub->add_flag("--json", a->json, "print JSON (mf.SweepReport) instead of the table");
  sub->add_flag("--no-timing", a->no_timing,
                "leave out seconds and games per second, the only fields that depend on the "
                "machine (to compare reports byte for byte)");
}

int WriteSweepOutputs(const std::string& command, const SweepOutputArgs& a,
                      const std::string& scenario_id, const std::vector<std::string>& fields,
                      const std::vector<SweepRow>& rows) {
  std::string error;
  const bool timing = !a.no_timing;
  const bool single = fields.empty() && rows.size() == 1;
  if (!a.chart.empty() && !single) {
    std::cerr << command << ": --chart draws the balance chart of a single point (no --param); "
              << "a sweep of " << rows.size() << " points has --csv\n";
    return 2;
  }
  const std::string json = single ? ReportJson(rows[0].report, timing)
                                  : ToJson(SweepProto(scenario_id, fields, rows, timing));
  if (!a.out.empty() && !WriteFile(a.out, json + "\n", &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  if (!a.csv.empty() && !WriteFile(a.csv, SweepCsv(fields, rows), &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  if (!a.chart.empty()) {
    draw::Format format = draw::Format::kPng;
    draw::FormatOfPath(a.chart, &format, &error);
    const std::string file = BalanceChart(rows[0].report, format, &error);
    if (file.empty() || !WriteFile(a.chart, file, &error)) {
      std::cerr << a.chart << ": " << error << "\n";
      return 1;
    }
  }
  if (a.json)
    std::cout << json << "\n";
  else
    std::cout << SweepTable(fields.empty() ? std::string("point") : JoinValues(fields), rows);
  return 0;
}

namespace {

// ---- plan ------------------------------------------------------------------------

struct PlanArgs {
  std::string scenario, bots = kDefaultMix, out;
  std::vector<std::string> params, values;
  long long games = 1000, shard_games = 1000;
  uint64_t seed = 1;
};

int Plan(const PlanArgs& a) {
  PlanSpec spec;
  std::string error;
  if (!AxesOf(a.params, a.values, &spec.axes, &error)) {
    std::cerr << "forumctl sweep plan: " << error << "\n";
    return 2;
  }
  auto sc = LoadScenarioArg(a.scenario);
  if (!sc) return 1;
  spec.scenario = a.scenario;
  spec.games = a.games;
  spec.seed = a.seed;
  spec.bots = a.bots;
  spec.shard_games = a.shard_games;
  mf::SweepPlan plan;
  if (!MakePlan(spec, sc, &plan, &error)) {
    std::cerr << "forumctl sweep plan: " << error << "\n";
    return 1;
  }
  if (!WriteFile(a.out, ToJson(plan, {true, true}) + "\n", &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  std::cerr << a.out << ": " << plan.points() << " point(s) x " << plan.games() << " games in "
            << plan.shards() << " shard(s) of up to " << plan.shard_games() << " games; sha256 "
            << plan.sha256().substr(0, 12) << "...\n";
  return 0;
}

// ---- run ---------------------------------------------------------------------------

struct RunArgs {
  std::string plan, out_dir;
  long long shard = -1, shard_offset = 0;
  int threads = 0;
};

int Run(const RunArgs& a) {
  std::string error;
  long long shard = 0;
  if (!ShardIndex(a.shard, a.shard_offset, &shard, &error)) {
    std::cerr << "forumctl sweep run: " << error << "\n";
    return 2;
  }
  LoadedPlan lp;
  if (!LoadPlan(a.plan, &lp, &error)) {
    std::cerr << "forumctl sweep run: " << error << "\n";
    return 1;
  }
  mf::SweepShard s;
  if (!RunShard(lp, shard, a.threads, a.out_dir, &s, &error)) {
    std::cerr << "forumctl sweep run: shard " << shard << ": " << error << "\n";
    return 1;
  }
  std::cerr << a.out_dir << "/" << ShardFileName(shard) << ": " << s.games() << " games in "
            << s.seconds() << " s\n";
  return 0;
}

// ---- merge, status ---------------------------------------------------------------------

struct MergeArgs {
  std::string plan, dir;
  SweepOutputArgs out;
};

int Merge(const MergeArgs& a) {
  std::string error;
  LoadedPlan lp;
  if (!LoadPlan(a.plan, &lp, &error)) {
    std::cerr << "forumctl sweep merge: " << error << "\n";
    return 1;
  }
  std::vector<SweepRow> rows;
  if (!MergeShards(lp, a.dir, &rows, &error)) {
    std::cerr << "forumctl sweep merge: " << error << "\n";
    return 1;
  }
  return WriteSweepOutputs("forumctl sweep merge", a.out, lp.plan.scenario_id(), lp.fields, rows);
}

int Status(const MergeArgs& a) {
  std::string error;
  LoadedPlan lp;
  if (!LoadPlan(a.plan, &lp, &error)) {
    std::cerr << "forumctl sweep status: " << error << "\n";
    return 1;
  }
  const ShardScan scan = ScanShards(lp, a.dir);
  std::cout << scan.present.size() << " of " << lp.plan.shards() << " shards done ("
            << scan.games_done << " of " << lp.plan.points() * lp.plan.games() << " games)\n";
  if (!scan.missing.empty()) std::cout << "missing: " << IndexRanges(scan.missing) << "\n";
  for (const std::string& p : scan.problems) std::cout << "problem: " << p << "\n";
  return scan.missing.empty() && scan.problems.empty() ? 0 : 1;
}

// ---- submit ------------------------------------------------------------------------------

struct SubmitArgs {
  std::string engine = "slurm", plan, out_dir, partition, report, forumctl;
  std::string image = "forum:latest", pvc = "forum-sweep", name = "forum-sweep";
  int max_parallel = 0, cpus = 1, poll_ms = 1000;
  bool wait = false, only_missing = false, print = false, no_timing = false;
};

std::string SelfPath() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("forumctl") : p.string();
}

// The cluster's MaxArraySize (`scontrol show config`), 1001 (Slurm's default) if unknown.
long long MaxArraySize() {
  std::string out;
  if (Shell("scontrol show config 2>/dev/null", &out) != 0) return 1001;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("MaxArraySize", 0) != 0) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    value.erase(0, value.find_first_not_of(' '));
    long long v = 0;
    if (ParseWhole(TrimLine(value), &v) && v > 0) return v;
  }
  return 1001;
}

// "0-5,9,11-12" (Slurm's --array syntax).
std::string ArraySpec(const std::vector<long long>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += std::to_string(ids[i]);
    if (j > i) out += "-" + std::to_string(ids[j]);
    i = j + 1;
  }
  return out;
}

// JobState of a job from `scontrol show job` ("" when Slurm no longer knows it).
std::string JobState(const std::string& id) {
  std::string out;
  if (Shell("scontrol show job " + id + " 2>/dev/null", &out) != 0) return "";
  const size_t at = out.find("JobState=");
  if (at == std::string::npos) return "";
  const size_t end = out.find_first_of(" \n", at);
  return out.substr(at + 9, end - at - 9);
}

int WaitForMerge(const SubmitArgs& a, const LoadedPlan& lp, const std::string& dir,
                 const std::vector<std::string>& arrays, const std::string& merge_job,
                 const std::string& report) {
  const auto start = std::chrono::steady_clock::now();
  const long long shards = lp.plan.shards();
  const long long games_at_start = ScanShards(lp, dir).games_done;
  long long last = -1;
  auto last_print = start;
  for (;;) {
    // Progress from the out dir: the shards written (names only: cheap).
    long long done = 0, games = 0;
    for (long long i = 0; i < shards; ++i)
      if (std::filesystem::is_regular_file(dir + "/" + ShardFileName(i))) {
        ++done;
        games += std::min<long long>((i + 1) * lp.plan.shard_games(),
                                     lp.plan.points() * lp.plan.games()) -
                 i * lp.plan.shard_games();
      }
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - start).count();
    if (done != last || now - last_print > std::chrono::seconds(10)) {
      char line[200];
      std::snprintf(line, sizeof line, "sweep: shards done %lld of %lld, %.0f games/s, %.0f s\n",
                    done, shards,
                    secs >= 1 ? static_cast<double>(games - games_at_start) / secs : 0, secs);
      std::cerr << line << std::flush;
      last = done;
      last_print = now;
    }
    const std::string state = JobState(merge_job);
    if (state == "COMPLETED" || (state.empty() && std::filesystem::exists(report))) {
      std::cerr << "sweep: merged into " << report << " in " << secs << " s\n";
      return 0;
    }
    if (!state.empty() && state != "PENDING" && state != "RUNNING" && state != "CONFIGURING" &&
        state != "COMPLETING") {
      // The other shards still running finish first, so that the list of
      // missing shards is what a resubmission needs.
      std::string ids, out;
      for (const std::string& j : arrays) ids += (ids.empty() ? "" : ",") + j;
      while (!ids.empty() && Shell("squeue -h -j " + ids + " 2>/dev/null", &out) == 0 &&
             !TrimLine(out).empty())
        std::this_thread::sleep_for(std::chrono::milliseconds(a.poll_ms));
      const ShardScan scan = ScanShards(lp, dir);
      std::cerr << "sweep: the merge job " << merge_job << " ended " << state;
      if (!scan.missing.empty())
        std::cerr << "; missing shards: " << IndexRanges(scan.missing) << " ("
                  << scan.missing.size() << " of " << shards << ")";
      for (const std::string& p : scan.problems) std::cerr << "\n  " << p;
      std::cerr << "\nresubmit them alone: forumctl sweep submit --engine slurm --plan " << a.plan
                << " --out-dir " << a.out_dir << " --only-missing\n";
      return 1;
    }
    if (state.empty()) {
      std::cerr << "sweep: Slurm no longer knows the merge job " << merge_job << " and " << report
                << " is not there\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(a.poll_ms));
  }
}

std::string Yaml(const SubmitArgs& a, const LoadedPlan& lp, const std::string& plan_json);

int Submit(const SubmitArgs& a) {
  std::string error;
  LoadedPlan lp;
  if (!LoadPlan(a.plan, &lp, &error)) {
    std::cerr << "forumctl sweep submit: " << error << "\n";
    return 1;
  }
  if (a.engine == "k8s") {
    if (!a.print) {
      std::cerr << "forumctl sweep submit --engine k8s: give --print and apply the manifests "
                   "with kubectl apply -f - (see deploy/kubernetes/README.md)\n";
      return 2;
    }
    std::string plan_json;
    if (!ReadFile(a.plan, &plan_json, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    std::cout << Yaml(a, lp, plan_json);
    return 0;
  }
  if (a.out_dir.empty()) {
    std::cerr << "forumctl sweep submit: --out-dir is required with --engine slurm\n";
    return 2;
  }
  const std::string dir = Absolute(a.out_dir), plan = Absolute(a.plan);
  const std::string report = a.report.empty() ? dir + "/report.json" : Absolute(a.report);
  const std::string self = a.forumctl.empty() ? SelfPath() : a.forumctl;
  std::error_code ec;
  std::filesystem::create_directories(dir + "/logs", ec);
  if (ec) {
    std::cerr << "forumctl sweep submit: cannot create " << dir << "/logs: " << ec.message()
              << "\n";
    return 1;
  }
  std::vector<long long> to_submit;
  if (a.only_missing) {
    to_submit = ScanShards(lp, dir).missing;
  } else {
    for (long long i = 0; i < lp.plan.shards(); ++i) to_submit.push_back(i);
  }
  // Arrays of task ids below MaxArraySize: shard = offset + SLURM_ARRAY_TASK_ID.
  const long long max = MaxArraySize();
  std::vector<std::pair<long long, std::vector<long long>>> arrays;  // (offset, task ids)
  for (long long i : to_submit) {
    const long long offset = i / max * max;
    if (arrays.empty() || arrays.back().first != offset) arrays.push_back({offset, {}});
    arrays.back().second.push_back(i - offset);
  }
  std::string common = " --parsable --chdir=" + Quote(dir);
  if (!a.partition.empty()) common += " --partition=" + Quote(a.partition);
  std::vector<std::string> jobs;
  for (const auto& [offset, ids] : arrays) {
    std::string spec = ArraySpec(ids);
    if (a.max_parallel > 0) spec += "%" + std::to_string(a.max_parallel);
    const std::string run = "exec " + Quote(self) + " sweep run --plan " + Quote(plan) +
                            " --out-dir " + Quote(dir) + " --shard-offset " +
                            std::to_string(offset) + " --threads " + std::to_string(a.cpus);
    const std::string cmd = "sbatch" + common + " --job-name=" + Quote(a.name) +
                            " --array=" + spec + " --cpus-per-task=" + std::to_string(a.cpus) +
                            " --output=" + Quote(dir + "/logs/shard-%A_%a.out") +
                            " --wrap=" + Quote(run);
    if (a.print) {
      std::cout << cmd << "\n";
      jobs.push_back("$JOB" + std::to_string(jobs.size() + 1));
      continue;
    }
    std::string out;
    if (Shell(cmd, &out) != 0) {
      std::cerr << "forumctl sweep submit: sbatch failed: " << cmd << "\n";
      return 1;
    }
    const std::string id = TrimLine(out).substr(0, TrimLine(out).find(';'));
    jobs.push_back(id);
    std::vector<long long> shard_ids;
    for (long long t : ids) shard_ids.push_back(offset + t);
    std::cerr << "sweep: shards " << IndexRanges(shard_ids) << " as job array " << id
              << (offset ? " (task i is shard " + std::to_string(offset) + " + i)" : std::string())
              << (a.max_parallel > 0 ? ", at most " : "")
              << (a.max_parallel > 0 ? std::to_string(a.max_parallel) + " at a time" : "") << "\n";
  }
  std::string merge = "exec " + Quote(self) + " sweep merge --plan " + Quote(plan) + " " +
                      Quote(dir) + " --out " + Quote(report) + " --json";
  if (a.no_timing) merge += " --no-timing";
  std::string dep;
  for (const std::string& j : jobs) dep += (dep.empty() ? "" : ":") + j;
  const std::string merge_cmd =
      "sbatch" + common + " --job-name=" + Quote(a.name + "-merge") +
      (dep.empty() ? std::string()
                   : " --dependency=afterok:" + dep + " --kill-on-invalid-dep=yes") +
      " --output=" + Quote(dir + "/logs/merge-%j.out") + " --wrap=" + Quote(merge);
  if (a.print) {
    std::cout << merge_cmd << "\n";
    return 0;
  }
  std::string out;
  if (Shell(merge_cmd, &out) != 0) {
    std::cerr << "forumctl sweep submit: sbatch failed: " << merge_cmd << "\n";
    return 1;
  }
  const std::string merge_job = TrimLine(out).substr(0, TrimLine(out).find(';'));
  std::cerr << "sweep: merge job " << merge_job << " after " << (dep.empty() ? "nothing" : dep)
            << ", writing " << report << "\n";
  std::cout << merge_job << "\n";
  if (!a.wait) return 0;
  return WaitForMerge(a, lp, dir, jobs, merge_job, report);
}

// The Kubernetes objects: the plan as a ConfigMap, an Indexed Job of the
// shards on a shared volume, and the merge Job.
std::string Yaml(const SubmitArgs& a, const LoadedPlan& lp, const std::string& plan_json) {
  const long long shards = lp.plan.shards();
  const int parallel =
      a.max_parallel > 0 ? a.max_parallel : static_cast<int>(std::min<long long>(shards, 10));
  std::string indented;
  std::istringstream lines(plan_json);
  std::string line;
  while (std::getline(lines, line)) indented += "    " + line + "\n";
  const std::string n = a.name;
  std::ostringstream y;
  y << "# forumctl sweep submit --engine k8s --print: plan " << lp.plan.sha256().substr(0, 12)
    << ", " << shards << " shards.\n"
    << "# The shards and the merge share the volume claim " << a.pvc
    << " (ReadWriteMany: NFS, CephFS...).\n"
    << "# kubectl apply the first three objects; when the Job " << n
    << " is complete, apply the merge Job:\n"
    << "#   kubectl wait --for=condition=complete --timeout=24h job/" << n << "\n"
    << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " << n << "-plan\ndata:\n"
    << "  plan.json: |\n"
    << indented << "---\n"
    << "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: " << a.pvc << "\n"
    << "spec:\n  accessModes: [ReadWriteMany]\n  resources:\n    requests:\n      storage: 1Gi\n"
    << "---\n"
    << "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " << n << "\n"
    << "spec:\n  completionMode: Indexed\n  completions: " << shards
    << "\n  parallelism: " << parallel
    << "\n  backoffLimitPerIndex: 3\n  maxFailedIndexes: " << shards << "\n"
    << "  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
    << "        - name: shard\n          image: " << a.image << "\n"
    << "          command: [forumctl, sweep, run, --plan, /plan/plan.json, --out-dir, /out, "
       "--threads, \""
    << a.cpus << "\"]\n"
    << "          resources:\n            requests:\n              cpu: \"" << a.cpus << "\"\n"
    << "          volumeMounts:\n            - {name: plan, mountPath: /plan}\n"
    << "            - {name: out, mountPath: /out}\n"
    << "      volumes:\n        - name: plan\n          configMap: {name: " << n << "-plan}\n"
    << "        - name: out\n          persistentVolumeClaim: {claimName: " << a.pvc << "}\n"
    << "---\n"
    << "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " << n << "-merge\n"
    << "spec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n"
    << "      containers:\n        - name: merge\n          image: " << a.image << "\n"
    << "          command: [forumctl, sweep, merge, --plan, /plan/plan.json, /out, --out, "
       "/out/report.json, --json"
    << (a.no_timing ? ", --no-timing" : "") << "]\n"
    << "          volumeMounts:\n            - {name: plan, mountPath: /plan}\n"
    << "            - {name: out, mountPath: /out}\n"
    << "      volumes:\n        - name: plan\n          configMap: {name: " << n << "-plan}\n"
    << "        - name: out\n          persistentVolumeClaim: {claimName: " << a.pvc << "}\n";
  return y.str();
}

}  // namespace

void AddSweepCommands(CLI::App* sweep) {
  {
    auto a = std::make_shared<PlanArgs>();
    CLI::App* sub = sweep->add_subcommand(
        "plan",
        "a plan of a sweep in shards for a cluster: the file that run, merge and "
        "submit read");
    AddText(sub, "--scenario", &a->scenario, "SCENARIO",
            "a built-in scenario's name or a scenario file")
        ->required();
    AddParamOptions(sub, &a->params, &a->values);
    AddNumber(sub, "--games", &a->games, "N", 1LL, 100000000LL, "games per point");
    AddSeed(sub, &a->seed, "game g of every point has the seats and seeds of balance's game g");
    AddText(sub, "--bots", &a->bots, "MIX",
            "strategies drawn per game and seat (default " + std::string(kDefaultMix) + ")")
        ->check(Check("MIX", CheckMix));
    AddNumber(sub, "--shard-games", &a->shard_games, "M", 1LL, 100000000LL,
              "games per shard (a shard may span two points)");
    AddText(sub, "--out", &a->out, "FILE", "the plan (JSON, mf.SweepPlan)")->required();
    OnRun(sub, [a] { return Plan(*a); });
  }
  {
    auto a = std::make_shared<RunArgs>();
    CLI::App* sub = sweep->add_subcommand(
        "run", "one shard of a plan: its games' exact tallies to DIR/shard-I.json, atomically");
    AddText(sub, "--plan", &a->plan, "FILE", "the plan (forumctl sweep plan)")->required();
    AddNumber(sub, "--shard", &a->shard, "I", -1LL, 1000000000LL,
              "the shard (default -1: SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX)");
    AddNumber(sub, "--shard-offset", &a->shard_offset, "N", 0LL, 1000000000LL,
              "added to the index from the environment (arrays split at MaxArraySize)");
    AddText(sub, "--out-dir", &a->out_dir, "DIR", "where the shard's file goes")->required();
    AddNumber(sub, "--threads", &a->threads, "T", 0, 1024,
              "threads playing games (0: every core); the result does not depend on it");
    OnRun(sub, [a] { return Run(*a); });
  }
  for (const char* name : {"merge", "status"}) {
    auto a = std::make_shared<MergeArgs>();
    const bool merge = std::string(name) == "merge";
    CLI::App* sub = sweep->add_subcommand(
        name, merge ? "the shards of a plan merged into the report of a single-process sweep "
                      "(or balance, for a plan without --param)"
                    : "which shards of a plan DIR holds, and which are missing or bad");
    AddText(sub, "--plan", &a->plan, "FILE", "the plan (forumctl sweep plan)")->required();
    sub->add_option("DIR", a->dir, "the folder of the shards' files")->required()->type_name("DIR");
    if (merge) {
      AddSweepOutputs(sub, &a->out);
      OnRun(sub, [a] { return Merge(*a); });
    } else {
      OnRun(sub, [a] { return Status(*a); });
    }
  }
  {
    auto a = std::make_shared<SubmitArgs>();
    CLI::App* sub = sweep->add_subcommand(
        "submit",
        "a plan's shards as a Slurm job array and a merge job after it, or (k8s) the "
        "Kubernetes Indexed Job");
    AddText(sub, "--engine", &a->engine, "slurm|k8s", "the batch engine (default slurm)")
        ->check(OneOf({"slurm", "k8s"}));
    AddText(sub, "--plan", &a->plan, "FILE", "the plan (forumctl sweep plan)")->required();
    AddText(sub, "--out-dir", &a->out_dir, "DIR",
            "the shards' folder, on storage every node sees (slurm)");
    AddNumber(sub, "--max-parallel", &a->max_parallel, "K", 0, 100000,
              "shards running at once (0: as many as the engine allows)");
    AddText(sub, "--partition", &a->partition, "P", "the Slurm partition");
    AddNumber(sub, "--cpus-per-task", &a->cpus, "C", 1, 1024, "cores (and threads) per shard");
    AddText(sub, "--report", &a->report, "FILE",
            "where the merge job writes the report (default OUT_DIR/report.json)");
    AddText(sub, "--forumctl", &a->forumctl, "FILE",
            "the forumctl the jobs run (default this one)");
    sub->add_flag("--no-timing", a->no_timing, "the merged report without timing");
    sub->add_flag("--only-missing", a->only_missing,
                  "submit only the shards missing (or bad) in OUT_DIR, e.g. after a failure");
    sub->add_flag("--wait", a->wait,
                  "wait for the merge, printing shards done of N and games per second");
    AddNumber(sub, "--poll-ms", &a->poll_ms, "MS", 50, 60000, "how often --wait looks");
    sub->add_flag("--print", a->print,
                  "print the sbatch commands (slurm) or the manifests (k8s) instead of submitting");
    AddText(sub, "--image", &a->image, "IMAGE", "the container image with forumctl (k8s)");
    AddText(sub, "--pvc", &a->pvc, "NAME", "the shared volume claim of the shards (k8s)");
    AddText(sub, "--name", &a->name, "NAME", "the jobs' name (default forum-sweep)");
    OnRun(sub, [a] { return Submit(*a); });
  }
}

}  // namespace mf::tools
