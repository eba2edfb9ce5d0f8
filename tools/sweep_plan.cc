// Cluster sweeps (sweep_plan.h): the plan, one shard's run, the merge.
#include "tools/sweep_plan.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>

#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

std::string HexBytes(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string Short(const std::string& hash) {
  return hash.substr(0, 12);
}

// The games [begin, end) of the plan (numbered point * games + g), cut at
// the points' borders: (point, first g, count).
struct Piece {
  long long point, first, count;
};
std::vector<Piece> Pieces(const mf::SweepPlan& plan, long long begin, long long end) {
  std::vector<Piece> out;
  for (long long at = begin; at < end;) {
    const long long p = at / plan.games(), g = at % plan.games();
    const long long n = std::min<long long>(end - at, plan.games() - g);
    out.push_back({p, g, n});
    at += n;
  }
  return out;
}

long long ShardBegin(const mf::SweepPlan& plan, long long shard) {
  return shard * plan.shard_games();
}
long long ShardEnd(const mf::SweepPlan& plan, long long shard) {
  return std::min<long long>((shard + 1) * plan.shard_games(), plan.points() * plan.games());
}

bool ParseIndex(const char* text, long long* out) {
  if (text == nullptr || *text == 0) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || *end != 0 || v < 0) return false;
  *out = v;
  return true;
}

}  // namespace

std::string MessageSha256(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return HexBytes(md, sizeof md);
}

std::string PlanSha256(const mf::SweepPlan& plan) {
  mf::SweepPlan copy = plan;
  copy.clear_sha256();
  return MessageSha256(copy);
}

bool MakePlan(const PlanSpec& spec, std::shared_ptr<const rules::Scenario> base, mf::SweepPlan* out,
              std::string* error) {
  if (spec.games < 1 || spec.shard_games < 1) {
    *error = "--games and --shard-games must be at least 1";
    return false;
  }
  Mix mix;
  if (!ParseMix(spec.bots, &mix, error)) return false;
  const std::vector<std::vector<std::string>> points = SweepPoints(spec.axes);
  for (const auto& p : points) {
    std::shared_ptr<const rules::Scenario> sc;
    if (!ScenarioAtPoint(base, spec.axes, p, &sc, error)) return false;
  }
  const long long total = static_cast<long long>(points.size()) * spec.games;
  mf::SweepPlan plan;
  plan.set_version(1);
  plan.set_scenario(spec.scenario);
  plan.set_scenario_id(base->id());
  plan.set_scenario_sha256(MessageSha256(base->proto()));
  for (const SweepAxis& a : spec.axes) {
    mf::SweepParam* x = plan.add_params();
    x->set_field(a.field);
    for (const std::string& v : a.values) x->add_values(v);
  }
  plan.set_games(spec.games);
  plan.set_seed(spec.seed);
  plan.set_bots(MixText(mix));
  plan.set_shard_games(spec.shard_games);
  plan.set_points(static_cast<long long>(points.size()));
  plan.set_shards((total + spec.shard_games - 1) / spec.shard_games);
  plan.set_sha256(PlanSha256(plan));
  *out = plan;
  return true;
}

bool LoadPlan(const std::string& path, LoadedPlan* out, std::string* error) {
  std::string text;
  if (!ReadFile(path, &text, error)) return false;
  LoadedPlan lp;
  std::string why;
  if (!FromJson(text, &lp.plan, &why)) {
    *error = path + ": not a sweep plan (JSON of mf.SweepPlan): " + why;
    return false;
  }
  const mf::SweepPlan& plan = lp.plan;
  if (plan.version() != 1) {
    *error = path + ": plan version " + std::to_string(plan.version()) + " (this forumctl reads 1)";
    return false;
  }
  if (plan.sha256() != PlanSha256(plan)) {
    *error = path + ": the plan's sha256 does not match its content (edited after `sweep plan`?)";
    return false;
  }
  if (plan.games() < 1 || plan.shard_games() < 1) {
    *error = path + ": games and shard_games must be at least 1";
    return false;
  }
  auto base = LoadScenarioArg(plan.scenario());
  if (!base) {
    *error = path + ": cannot load the plan's scenario '" + plan.scenario() + "'";
    return false;
  }
  const std::string sha = MessageSha256(base->proto());
  if (sha != plan.scenario_sha256()) {
    *error = path + ": scenario '" + plan.scenario() + "' has changed since the plan was made " +
             "(sha256 " + Short(sha) + "..., the plan's " + Short(plan.scenario_sha256()) +
             "...); make a new plan";
    return false;
  }
  if (!ParseMix(plan.bots(), &lp.mix, error)) return false;
  for (const mf::SweepParam& p : plan.params()) {
    lp.axes.push_back({p.field(), {p.values().begin(), p.values().end()}});
    lp.fields.push_back(p.field());
  }
  lp.points = SweepPoints(lp.axes);
  const long long total = static_cast<long long>(lp.points.size()) * plan.games();
  if (static_cast<long long>(lp.points.size()) != plan.points() ||
      plan.shards() != (total + plan.shard_games() - 1) / plan.shard_games()) {
    *error = path + ": the plan's points or shards do not follow from its parameters";
    return false;
  }
  for (const auto& p : lp.points) {
    std::shared_ptr<const rules::Scenario> sc;
    if (!ScenarioAtPoint(base, lp.axes, p, &sc, error)) return false;
    lp.scenarios.push_back(sc);
  }
  *out = std::move(lp);
  return true;
}

std::string ShardFileName(long long shard) {
  return "shard-" + std::to_string(shard) + ".json";
}

bool ShardIndex(long long flag, long long offset, long long* out, std::string* error) {
  if (flag >= 0) {
    *out = flag;
    return true;
  }
  long long v = 0;
  if (const char* slurm = std::getenv("SLURM_ARRAY_TASK_ID")) {
    if (!ParseIndex(slurm, &v)) {
      *error = std::string("SLURM_ARRAY_TASK_ID is '") + slurm + "', not an index";
      return false;
    }
    *out = v + offset;
    return true;
  }
  if (const char* k8s = std::getenv("JOB_COMPLETION_INDEX")) {
    if (!ParseIndex(k8s, &v)) {
      *error = std::string("JOB_COMPLETION_INDEX is '") + k8s + "', not an index";
      return false;
    }
    *out = v + offset;
    return true;
  }
  *error =
      "no shard index: give --shard I, or run it as a task of a Slurm job array "
      "(SLURM_ARRAY_TASK_ID) or of a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)";
  return false;
}

bool RunShard(const LoadedPlan& lp, long long shard, int threads, const std::string& dir,
              mf::SweepShard* out, std::string* error) {
  const mf::SweepPlan& plan = lp.plan;
  if (shard < 0 || shard >= plan.shards()) {
    *error = "shard " + std::to_string(shard) + " is not in the plan, which has " +
             std::to_string(plan.shards()) + " shards (0-" + std::to_string(plan.shards() - 1) +
             ")";
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  mf::SweepShard s;
  s.set_plan_sha256(plan.sha256());
  s.set_shard(shard);
  const long long begin = ShardBegin(plan, shard), end = ShardEnd(plan, shard);
  s.set_first_game(begin);
  s.set_games(end - begin);
  double seconds = 0;
  BalanceOptions options;
  options.seed = plan.seed();
  options.threads = threads;
  options.mix = lp.mix;
  for (const Piece& piece : Pieces(plan, begin, end)) {
    double secs = 0;
    const Tally t = RunTally(lp.scenarios[static_cast<size_t>(piece.point)], options, piece.first,
                             piece.count, nullptr, &secs);
    seconds += secs;
    mf::ShardPoint* x = s.add_points();
    x->set_point(piece.point);
    x->set_first_game(piece.first);
    x->set_games(piece.count);
    *x->mutable_tally() = TallyProto(t);
  }
  s.set_seconds(Sig(seconds, 5));
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) s.set_host(host);

  const std::string final_path = dir + "/" + ShardFileName(shard);
  const std::string tmp =
      dir + "/." + ShardFileName(shard) + ".tmp." + std::to_string(static_cast<long>(getpid()));
  if (!WriteFile(tmp, ToJson(s) + "\n", error)) return false;
  if (std::rename(tmp.c_str(), final_path.c_str()) != 0) {
    *error = "cannot move " + tmp + " into place as " + final_path + ": " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  *out = std::move(s);
  return true;
}

std::string IndexRanges(const std::vector<long long>& v) {
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(v[i]);
    if (j > i) out += (j == i + 1 ? ", " : "-") + std::to_string(v[j]);
    i = j + 1;
  }
  return out;
}

ShardScan ScanShards(const LoadedPlan& lp, const std::string& dir, std::vector<Tally>* per_point) {
  const mf::SweepPlan& plan = lp.plan;
  ShardScan scan;
  std::vector<double> point_seconds;
  if (per_point) {
    per_point->clear();
    for (const auto& sc : lp.scenarios) per_point->push_back(NewTally(*sc, lp.mix));
  }
  std::map<long long, std::string> files;  // Index in the name -> file name.
  std::error_code ec;
  const std::regex name("shard-([0-9]+)\\.json");
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string n = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(n, m, name)) continue;
    long long i = 0;
    if (!ParseIndex(m[1].str().c_str(), &i)) continue;
    files[i] = n;
  }
  if (ec) scan.problems.push_back(dir + ": cannot list: " + ec.message());
  std::vector<bool> ok(static_cast<size_t>(std::max<long long>(0, plan.shards())), false);
  for (const auto& [index, file] : files) {
    auto problem = [&](const std::string& why) { scan.problems.push_back(file + ": " + why); };
    if (index >= plan.shards()) {
      problem("the plan has " + std::to_string(plan.shards()) + " shards (0-" +
              std::to_string(plan.shards() - 1) + ")");
      continue;
    }
    std::string text, why;
    mf::SweepShard s;
    if (!std::filesystem::is_regular_file(dir + "/" + file)) {
      problem("is not a regular file");
      continue;
    }
    if (!ReadFile(dir + "/" + file, &text, &why)) {
      problem("cannot be read: " + why);
      continue;
    }
    if (!FromJson(text, &s, &why)) {
      why = why.substr(0, why.find('\n'));  // The parser's first line.
      problem("corrupt (not JSON of mf.SweepShard): " + why);
      continue;
    }
    if (s.plan_sha256() != plan.sha256()) {
      problem("belongs to another plan (sha256 " + Short(s.plan_sha256()) + "..., this plan's " +
              Short(plan.sha256()) + "...)");
      continue;
    }
    if (s.shard() != index) {
      problem("holds shard " + std::to_string(s.shard()) + ": a duplicate of " +
              ShardFileName(s.shard()));
      continue;
    }
    const long long begin = ShardBegin(plan, index), end = ShardEnd(plan, index);
    if (s.first_game() != begin || s.games() != end - begin) {
      problem("covers games " + std::to_string(s.first_game()) + "+" + std::to_string(s.games()) +
              ", the plan's shard " + std::to_string(index) + " is " + std::to_string(begin) + "+" +
              std::to_string(end - begin));
      continue;
    }
    const std::vector<Piece> pieces = Pieces(plan, begin, end);
    bool good = s.points_size() == static_cast<int>(pieces.size());
    std::vector<Tally> tallies;
    for (int k = 0; good && k < s.points_size(); ++k) {
      const mf::ShardPoint& x = s.points(k);
      const Piece& want = pieces[static_cast<size_t>(k)];
      Tally t;
      good = x.point() == want.point && x.first_game() == want.first && x.games() == want.count &&
             TallyFromProto(x.tally(), &t, &why) && t.games == want.count;
      if (good && per_point) {
        Tally check = NewTally(*lp.scenarios[static_cast<size_t>(want.point)], lp.mix);
        good = MergeTally(t, &check, &why);
      }
      tallies.push_back(std::move(t));
    }
    if (!good) {
      problem("corrupt: its points do not cover the shard's games" +
              (why.empty() ? std::string() : " (" + why + ")"));
      continue;
    }
    ok[static_cast<size_t>(index)] = true;
    scan.present.push_back(index);
    scan.games_done += s.games();
    scan.shard_seconds += s.seconds();
    if (per_point) {
      point_seconds.resize(lp.scenarios.size(), 0);
      for (size_t k = 0; k < pieces.size(); ++k) {
        const size_t p = static_cast<size_t>(pieces[k].point);
        MergeTally(tallies[k], &(*per_point)[p], &why);
        point_seconds[p] += s.games() > 0 ? s.seconds() * static_cast<double>(pieces[k].count) /
                                                static_cast<double>(s.games())
                                          : 0;
      }
    }
  }
  for (size_t i = 0; i < ok.size(); ++i)
    if (!ok[i]) scan.missing.push_back(static_cast<long long>(i));
  scan.point_seconds = point_seconds;
  return scan;
}

bool MergeShards(const LoadedPlan& lp, const std::string& dir, std::vector<SweepRow>* rows,
                 std::string* error) {
  if (!std::filesystem::is_directory(dir)) {
    *error = dir + ": not a directory";
    return false;
  }
  std::vector<Tally> tallies;
  const ShardScan scan = ScanShards(lp, dir, &tallies);
  if (!scan.problems.empty() || !scan.missing.empty()) {
    *error = dir + ": cannot merge the plan's " + std::to_string(lp.plan.shards()) + " shards:";
    for (const std::string& p : scan.problems) *error += "\n  " + p;
    if (!scan.missing.empty())
      *error += "\n  missing shards: " + IndexRanges(scan.missing) + " (" +
                std::to_string(scan.missing.size()) + " of " + std::to_string(lp.plan.shards()) +
                "; `forumctl sweep submit --only-missing` runs them again)";
    return false;
  }
  rows->clear();
  for (size_t p = 0; p < lp.points.size(); ++p) {
    SweepRow row;
    row.values = lp.points[p];
    row.value = JoinValues(lp.points[p]);
    row.report = Finish(*lp.scenarios[p], lp.mix, lp.plan.seed(), tallies[p]);
    const double secs = p < scan.point_seconds.size() ? scan.point_seconds[p] : 0;
    row.report.seconds = secs;
    row.report.games_per_second = secs > 0 ? static_cast<double>(row.report.games) / secs : 0;
    row.balanced = Balanced(row.report);
    rows->push_back(std::move(row));
  }
  return true;
}

}  // namespace mf::tools
