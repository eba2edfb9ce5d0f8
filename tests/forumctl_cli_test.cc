// forumctl's command line (CLI11, tools/cli.h) as a user meets it: --help
// for every command, bad values refused with the flag and the allowed
// range, the README's command lines and help block true to --help, and the
// bash completion generated from the same declarations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "run_command.h"

namespace mf::testing {
namespace {

namespace fs = std::filesystem;

struct Ran {
  int code = -1;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TmpDir() {
  static const fs::path dir = fs::path(MF_TEST_TMP_DIR) / std::to_string(getpid());
  fs::create_directories(dir);
  return dir.string();
}

// Runs forumctl with `args` (shell words), stdout and stderr apart.
Ran Forumctl(const std::string& args) {
  const std::string err = TmpDir() + "/stderr.txt";
  CommandResult c = RunCommand(std::string(MF_FORUMCTL) + " " + args + " 2>" + err);
  return {c.code, c.out, Slurp(err)};
}

const std::vector<std::string> kCommands = {
    "scenarios", "enforcement", "validate", "simulate", "replay", "play", "campaign",
    "balance",   "sweep",       "tune",     "duel",     "report", "fork", "cards",
    "guide",     "gradebook",   "session",  "record",   "bot",    "load", "verify"};
const std::vector<std::string> kSessionForms = {"create", "join",   "list",  "roster",
                                                "export", "import", "delete"};

TEST(ForumctlCli, HelpForEveryCommand) {
  const Ran top = Forumctl("--help");
  ASSERT_EQ(top.code, 0) << top.err;
  EXPECT_NE(top.out.find("Usage: forumctl [OPTIONS] COMMAND"), std::string::npos) << top.out;
  // The help lists exactly these commands (a new one must be added here, and
  // so gets its --help checked).
  std::set<std::string> listed;
  std::smatch m;
  std::istringstream lines(top.out);
  std::string line;
  bool in_group = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == ':' && line[0] != ' ') {
      in_group = line != "Options:";
      continue;
    }
    if (in_group && std::regex_search(line, m, std::regex("^  ([a-z]+) "))) listed.insert(m[1]);
  }
  EXPECT_EQ(listed, std::set<std::string>(kCommands.begin(), kCommands.end())) << top.out;

  const Ran all = Forumctl("--help-all");
  ASSERT_EQ(all.code, 0);
  for (const std::string& c : kCommands) {
    const Ran r = Forumctl(c + " --help");
    EXPECT_EQ(r.code, 0) << c << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: forumctl " + c), std::string::npos) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_NE(all.out.find(r.out), std::string::npos) << "--help-all has " << c << "'s help";
  }
  for (const std::string& f : kSessionForms) {
    const Ran r = Forumctl("session " + f + " --help");
    EXPECT_EQ(r.code, 0) << f << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: forumctl session " + f + " --server ADDR"), std::string::npos)
        << r.out;
    EXPECT_NE(all.out.find(r.out), std::string::npos) << "--help-all has session " << f;
  }
  // Required options are in the usage line.
  EXPECT_NE(Forumctl("balance --help")
                .out.find("Usage: forumctl balance --scenario SCENARIO --out FILE [OPTIONS]"),
            std::string::npos);
  EXPECT_NE(Forumctl("report --help").out.find("Usage: forumctl report --out DIR RECORD"),
            std::string::npos);
  const Ran version = Forumctl("--version");
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("forumctl ", 0), 0u) << version.out;
}

struct BadValue {
  std::string args;
  std::string flag;
  std::string allowed;  // What the message says is allowed.
};

TEST(ForumctlCli, BadValuesNameTheFlagAndTheRange) {
  const std::string lab = "--scenario classroom-8 --out " + TmpDir() + "/never.json ";
  const std::vector<BadValue> cases = {
      {"balance " + lab + "--games 0", "--games", "1..100000000"},
      {"balance " + lab + "--games 1e3", "--games", "1..100000000"},
      {"balance " + lab + "--games many", "--games", "1..100000000"},
      {"balance " + lab + "--threads 5000", "--threads", "0..1024"},
      {"balance " + lab + "--seed -1", "--seed", "0..18446744073709551615"},
      {"balance " + lab + "--seed 99999999999999999999", "--seed", "0..18446744073709551615"},
      {"balance " + lab + "--bots cooperator:0", "--bots", "positive number"},
      {"balance " + lab + "--bots nobody", "--bots", "known strategies: "},
      {"balance " + lab + "--chart chart.jpg", "--chart", ".png, .svg or .pdf"},
      {"sweep --scenario classroom-8 --param no_such --values 1", "--param", "role_offset_transit"},
      {"tune --scenario classroom-8 --games 10", "--games", "100..10000000"},
      {"tune --scenario classroom-8 --rounds 51", "--rounds", "0..50"},
      {"simulate --scenario classroom-8 --seed x", "--seed", "0..18446744073709551615"},
      {"play --bots nobody", "--bots", "known strategies: "},
      {"duel --scenario classroom-8 --challenger planner --baseline dealmaker --games 1", "--games",
       "2..100000000"},
      {"duel --scenario classroom-8 --challenger nobody --baseline dealmaker", "--challenger",
       "known strategies: "},
      {"duel --scenario classroom-8 --challenger planner --baseline dealmaker --budget 5000",
       "--budget", "0..1000"},
      {"fork --log game.txt --at 0 --games 0", "--games", "1..1000000"},
      {"fork --log game.txt --at 0 --threads -2", "--threads", "0..1024"},
      {"load --server localhost:1 --rate 0", "--rate", "0.001..1e+06"},
      {"load --server localhost:1 --duration 100000", "--duration", "0.1..86400"},
      {"load --server localhost:1 --seats 65", "--seats", "1..64"},
      {"load --server localhost:1 --sessions 0", "--sessions", "1..100000"},
      {"bot --server localhost:1 --join X --seat 64", "--seat", "0..63"},
      {"bot --server localhost:1 --join X --pace -5", "--pace", "0..600000"},
      {"session create --server localhost:1 --timers slow", "--timers",
       "'slow' is not one of fast, classroom, none"},
      {"session create --server localhost:1 --count 0", "--count", "1..100000"},
      {"session create --server localhost:1 --idle 90000", "--idle", "0..86400"},
      {"session join --server localhost:1 --join X --seat 99", "--seat", "0..63"},
  };
  for (const BadValue& c : cases) {
    const Ran r = Forumctl(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args << ": nothing on stdout, got " << r.out;
    EXPECT_NE(r.err.find(c.flag + ": "), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.allowed), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << "points to the help: " << r.err;
  }
}

TEST(ForumctlCli, MissingAndUnknownOptions) {
  struct Case {
    std::string args, says;
  };
  const std::vector<Case> cases = {
      {"", "subcommand is required"},
      {"frobnicate", "unknown command 'frobnicate'"},
      {"session frob --server x", "unknown command 'frob'"},
      {"balance --scenario classroom-8", "--out is required"},
      {"simulate --seed 3", "--scenario is required"},
      {"load --server localhost:1 --frobnicate 3", "--frobnicate"},
      {"report --out x", "[--log,--data,--server]"},
      {"report --log a --data b --session S --out x", "[--log,--data,--server]"},
      {"report --data d --out x", "--data requires --session"},
      {"fork --server s --session S --at 0", "--server requires --token"},
      {"session", "subcommand is required"},
      {"session list --server localhost:1", "--token is required"},
      {"session export --server localhost:1 --session S --token T", "--out is required"},
      {"validate", "FILE is required"},
      {"verify", "--data is required"},
      {"campaign --campaign hld-2006-to-2013", "give --campaign NAME and --out DIR"},
      {"verify --data /nonexistent/forumd", "--data: Directory does not exist"},
  };
  for (const Case& c : cases) {
    const Ran r = Forumctl(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
  }
}

// The forumctl command lines of the README: fenced blocks (with "\"
// continuations, without comments; not ```text blocks, which show output)
// and `inline` spans.
std::vector<std::string> ReadmeCommandLines() {
  std::string text = Slurp(std::string(MF_SOURCE_DIR) + "/README.md");
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line, rest, current;
  bool fenced = false, output = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      fenced = !fenced;
      output = fenced && line == "```text";
      continue;
    }
    if (output) continue;
    if (fenced) {
      const size_t hash = line.find(" #");
      if (hash != std::string::npos) line = line.substr(0, hash);
      const bool more = !line.empty() && line.back() == '\\';
      current += " " + (more ? line.substr(0, line.size() - 1) : line);
      if (!more) {
        lines.push_back(current);
        current.clear();
      }
    } else {
      rest += line + " ";
    }
  }
  const std::regex span("`([^`]+)`");
  for (auto it = std::sregex_iterator(rest.begin(), rest.end(), span); it != std::sregex_iterator();
       ++it)
    lines.push_back((*it)[1]);
  return lines;
}

TEST(ForumctlCli, ReadmeCommandLinesUseRealFlags) {
  const std::set<std::string> commands(kCommands.begin(), kCommands.end());
  std::map<std::string, std::string> help;  // "session create" -> its --help
  int checked = 0;
  const std::regex word("(\\S+)");
  for (const std::string& line : ReadmeCommandLines()) {
    std::vector<std::string> words;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), word);
         it != std::sregex_iterator(); ++it)
      words.push_back((*it)[1]);
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      const std::string& w = words[i];
      if (w != "forumctl" && w != "build/tools/forumctl" && w != "/usr/bin/forumctl") continue;
      std::string cmd = words[i + 1];
      if (!commands.count(cmd)) {
        // "forumctl session/bot/record/load" in prose, "forumctl --help".
        EXPECT_TRUE(cmd.find('/') != std::string::npos || cmd.rfind("--", 0) == 0 ||
                    cmd.find('`') != std::string::npos)
            << "README names an unknown command: " << line;
        continue;
      }
      size_t j = i + 2;
      if ((cmd == "session" || cmd == "sweep") && j < words.size() &&
          words[j].rfind("--", 0) != 0 && words[j].find('/') == std::string::npos)
        cmd += " " + words[j++];
      if (!help.count(cmd)) {
        const Ran r = Forumctl(cmd + " --help");
        EXPECT_EQ(r.code, 0) << "README: " << line << "\n" << r.err;
        help[cmd] = r.out;
      }
      for (; j < words.size(); ++j) {
        if (words[j] == "forumctl" || words[j] == "build/tools/forumctl") break;
        if (words[j].rfind("--", 0) != 0) continue;
        const std::string flag = words[j].substr(0, words[j].find('='));
        EXPECT_TRUE(std::regex_search(help[cmd], std::regex("  " + flag + "[ \n]")))
            << "README uses " << flag << " with forumctl " << cmd << ": " << line;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40);
}

TEST(ForumctlCli, ReadmeHelpBlockIsTheHelp) {
  const std::string readme = Slurp(std::string(MF_SOURCE_DIR) + "/README.md");
  const std::string marker = "<!-- the output of forumctl --help";
  const size_t at = readme.find(marker);
  ASSERT_NE(at, std::string::npos) << "README.md has the help of forumctl";
  const size_t open = readme.find("```text\n", at);
  ASSERT_NE(open, std::string::npos);
  const size_t close = readme.find("\n```", open + 8);
  ASSERT_NE(close, std::string::npos);
  const std::string block = readme.substr(open + 8, close - open - 8 + 1);
  EXPECT_EQ(block, Forumctl("--help").out) << "README.md: paste the output of forumctl --help";
}

// Completion candidates for the words typed so far (the last one partial).
std::vector<std::string> Complete(const std::string& script, const std::string& words) {
  const std::string path = TmpDir() + "/complete.sh";
  // A trailing space starts a new, empty word.
  const std::string array = words + (!words.empty() && words.back() == ' ' ? "''" : "");
  std::ofstream(path) << script << "\nCOMP_WORDS=(" << array << ")\n"
                      << "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                      << "_forumctl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  std::vector<std::string> out;
  std::istringstream lines(RunCommand("cd " + TmpDir() + " && bash " + path).out);
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(ForumctlCli, BashCompletion) {
  const Ran r = Forumctl("--bash-completion");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string& script = r.out;
  EXPECT_NE(script.find("complete -F _forumctl forumctl"), std::string::npos);
  std::vector<std::string> c = Complete(script, "forumctl ba");
  EXPECT_TRUE(Has(c, "balance"));
  EXPECT_FALSE(Has(c, "bot"));
  c = Complete(script, "forumctl balance --sc");
  EXPECT_EQ(c, std::vector<std::string>{"--scenario"});
  c = Complete(script, "forumctl balance --scenario class");
  EXPECT_TRUE(Has(c, "classroom-8"));
  c = Complete(script, "forumctl duel --challenger pl");
  EXPECT_TRUE(Has(c, "planner"));
  c = Complete(script, "forumctl session cr");
  EXPECT_EQ(c, std::vector<std::string>{"create"});
  c = Complete(script, "forumctl session create --timers c");
  EXPECT_EQ(c, std::vector<std::string>{"classroom"});
  c = Complete(script, "forumctl session create --server localhost:1 --pa");
  EXPECT_TRUE(Has(c, "--pace"));
  EXPECT_TRUE(Has(c, "--paused"));
  // A value with nothing to offer (a number) offers nothing.
  EXPECT_TRUE(Complete(script, "forumctl balance --games ").empty());
  // Files where a file goes.
  std::ofstream(TmpDir() + "/game-for-completion.txt") << "x";
  c = Complete(script, "forumctl replay --log game-for");
  EXPECT_EQ(c, std::vector<std::string>{"game-for-completion.txt"});
  // The hidden flag is not offered.
  EXPECT_FALSE(Has(Complete(script, "forumctl --"), "--bash-completion"));
  EXPECT_TRUE(Has(Complete(script, "forumctl --"), "--help-all"));
}

}  // namespace
}  // namespace mf::testing
