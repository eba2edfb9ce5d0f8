// forumd's command line and configuration file (server/flags.h): a flag and
// its key give the same settings and the same refusals, the file's syntax
// errors name the line, the command line overrides the file, and
// --print-config reads back to the same settings.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "server/flags.h"

namespace mf::server {
namespace {

class Scratch {
 public:
  Scratch() {
    char tmpl[] = "/tmp/forumd_flags_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::string path_;
};

struct Parsed {
  bool ok = false;
  ServerCommand command = ServerCommand::kRun;
  ServerOptions options;
  std::string error;
};

Parsed Cli(const std::vector<std::string>& args) {
  Parsed p;
  p.ok = ParseServerCommandLine(args, &p.options, &p.command, &p.error);
  return p;
}

Parsed Config(const std::string& text) {
  Parsed p;
  p.ok = ApplyServerConfig(text, "forumd.conf", &p.options, &p.error);
  return p;
}

// A value every flag accepts, different from its default: its codec's
// example, or a real file where only a file will do.
std::map<std::string, std::string> GoodValues(const Scratch& dir) {
  std::map<std::string, std::string> out;
  for (const ServerFlag& f : ServerFlags()) out[f.name] = f.codec.example;
  out["organiser-token-file"] = dir.Write("organiser", "a-long-enough-organiser-secret\n");
  return out;
}

TEST(ServerFlags, EveryFlagIsAKeyWithTheSameValue) {
  Scratch dir;
  const std::map<std::string, std::string> good = GoodValues(dir);
  const std::string defaults = ServerConfigText(ServerOptions());
  for (const ServerFlag& f : ServerFlags()) {
    SCOPED_TRACE(f.name);
    auto it = good.find(f.name);
    ASSERT_FALSE(it->second.empty()) << "a flag without an example value needs one here";
    const Parsed cli = Cli({std::string("--") + f.name, it->second});
    const Parsed joined = Cli({std::string("--") + f.name + "=" + it->second});
    const Parsed file = Config(std::string(f.name) + " = " + it->second + "\n");
    ASSERT_TRUE(cli.ok) << cli.error;
    ASSERT_TRUE(joined.ok) << joined.error;
    ASSERT_TRUE(file.ok) << file.error;
    const std::string text = ServerConfigText(cli.options);
    EXPECT_NE(text, defaults) << "the value did not change the settings";
    EXPECT_EQ(ServerConfigText(joined.options), text);
    EXPECT_EQ(ServerConfigText(file.options), text);
    EXPECT_EQ(f.codec.show(file.options), it->second);
  }
}

TEST(ServerFlags, AFlagAndItsKeyRefuseTheSameValuesWithTheSameReason) {
  const std::vector<std::string> values = {
      "abc", "-1", "0", "65", "1e10", "0.0005", "12x", "nan", "full", "3", "99999999999999999999"};
  int refusals = 0;
  for (const ServerFlag& f : ServerFlags()) {
    if (std::string(f.name) == "organiser-token-file") continue;  // A file: tested below.
    for (const std::string& v : values) {
      SCOPED_TRACE(std::string(f.name) + " " + v);
      const Parsed cli = Cli({std::string("--") + f.name, v});
      const Parsed file = Config("# settings\n\n" + std::string(f.name) + " = " + v + "\n");
      ASSERT_EQ(cli.ok, file.ok) << cli.error << " / " << file.error;
      if (cli.ok) {
        EXPECT_EQ(ServerConfigText(cli.options), ServerConfigText(file.options));
        continue;
      }
      ++refusals;
      // "--threads takes ..." and "forumd.conf:3: threads takes ...".
      const std::string cli_prefix = std::string("--") + f.name + " ";
      const std::string file_prefix = std::string("forumd.conf:3: ") + f.name + " ";
      ASSERT_EQ(cli.error.rfind(cli_prefix, 0), 0u) << cli.error;
      ASSERT_EQ(file.error.rfind(file_prefix, 0), 0u) << file.error;
      EXPECT_EQ(cli.error.substr(cli_prefix.size()), file.error.substr(file_prefix.size()));
      EXPECT_NE(cli.error.find(v), std::string::npos) << "the message quotes the value";
    }
  }
  EXPECT_GT(refusals, 30);  // The numbers and the choice refused most of them.
}

TEST(ServerFlags, RangesAreChecked) {
  EXPECT_FALSE(Cli({"--threads", "0"}).ok);
  EXPECT_FALSE(Cli({"--threads", "65"}).ok);
  EXPECT_TRUE(Cli({"--threads", "64"}).ok);
  EXPECT_FALSE(Cli({"--rate", "0"}).ok);
  EXPECT_FALSE(Cli({"--burst", "0.5"}).ok);
  EXPECT_FALSE(Cli({"--archive-after", "-1"}).ok);
  EXPECT_TRUE(Cli({"--token-expiry", "4"}).ok);
  EXPECT_FALSE(Cli({"--sync", "fast"}).ok);
  const Parsed p = Cli({"--threads", "x"});
  EXPECT_EQ(p.error, "--threads takes a whole number from 1 to 64, not 'x'");
}

TEST(ServerFlags, TheOrganiserTokenIsReadAndOnlyItsHashIsKept) {
  Scratch dir;
  const std::string good = dir.Write("good", "a-long-enough-organiser-secret\r\n");
  const Parsed ok = Config("organiser-token-file = " + good + "\n");
  ASSERT_TRUE(ok.ok) << ok.error;
  EXPECT_EQ(ok.options.organiser_token_hash.size(), 32u);
  EXPECT_EQ(ok.options.organiser_token_file, good);
  const Parsed shorter = Config("organiser-token-file = " + dir.Write("short", "short\n"));
  EXPECT_FALSE(shorter.ok);
  EXPECT_NE(shorter.error.find("16 characters"), std::string::npos) << shorter.error;
  const Parsed missing = Cli({"--organiser-token-file", "/nonexistent/organiser"});
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.error.find("cannot read"), std::string::npos) << missing.error;
}

TEST(ServerFlags, TheFileNamesTheLineOfEachError) {
  const Parsed unknown = Config("listen = 1.2.3.4:5\n\n# c\nthreds = 4\n");
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.error.rfind("forumd.conf:4: unknown key 'threds'", 0), 0u) << unknown.error;
  EXPECT_NE(unknown.error.find("threads"), std::string::npos) << "lists the keys";
  const Parsed no_equals = Config("threads 4\n");
  EXPECT_FALSE(no_equals.ok);
  EXPECT_EQ(no_equals.error, "forumd.conf:1: expected KEY = VALUE, not 'threads 4'");
  const Parsed empty = Config("data =\n");
  EXPECT_FALSE(empty.ok);
  EXPECT_EQ(empty.error, "forumd.conf:1: data needs a value (DIR)");
  const Parsed flag_syntax = Config("--threads = 4\n");
  EXPECT_FALSE(flag_syntax.ok);
  const Parsed nested = Config("config = /etc/other.conf\n");
  EXPECT_FALSE(nested.ok);
  EXPECT_NE(nested.error.find("unknown key 'config'"), std::string::npos);
}

TEST(ServerFlags, TheFileSyntax) {
  const Parsed p = Config(
      "# comment\r\n"
      "   \r\n"
      "  listen   =   10.0.0.1:50051  \r\n"
      "data=/srv/forum data # not a comment\n"
      "\tthreads\t=\t3\n"
      "threads = 5\n");  // The last one wins.
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.options.listen, "10.0.0.1:50051");
  EXPECT_EQ(p.options.data_dir, "/srv/forum data # not a comment");
  EXPECT_EQ(p.options.threads, 5);
}

TEST(ServerFlags, TheCommandLineOverridesTheFileWhateverTheOrder) {
  Scratch dir;
  const std::string conf = dir.Write("forumd.conf", "threads = 3\ndata = /from/file\nrate = 5\n");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--threads", "7", "--config", conf}, {"--config", conf, "--threads", "7"}}) {
    const Parsed p = Cli(args);
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_EQ(p.options.threads, 7);
    EXPECT_EQ(p.options.data_dir, "/from/file");
    EXPECT_EQ(p.options.rate_per_second, 5);
  }
  const Parsed bad_file = Cli({"--config", dir.Write("bad.conf", "threads = many\n")});
  EXPECT_FALSE(bad_file.ok);
  EXPECT_NE(bad_file.error.find("bad.conf:1: threads takes a whole number"), std::string::npos)
      << bad_file.error;
  EXPECT_FALSE(Cli({"--config", conf, "--config", conf}).ok);
  EXPECT_FALSE(Cli({"--config", "/nonexistent/forumd.conf"}).ok);
  EXPECT_TRUE(Cli({"--config=" + conf}).ok);
}

TEST(ServerFlags, TheCommandLineRefusesWhatItDoesNotKnow) {
  EXPECT_EQ(Cli({"--bogus", "1"}).error, "unknown option --bogus");
  EXPECT_EQ(Cli({"--threads"}).error, "--threads needs a value");
  EXPECT_FALSE(Cli({"threads", "4"}).ok);
  EXPECT_EQ(Cli({"--help", "--bogus"}).command, ServerCommand::kHelp);
  EXPECT_EQ(Cli({"--version"}).command, ServerCommand::kVersion);
  const Parsed print = Cli({"--threads", "3", "--print-config"});
  ASSERT_TRUE(print.ok);
  EXPECT_EQ(print.command, ServerCommand::kPrintConfig);
}

TEST(ServerFlags, PrintConfigReadsBackToTheSameSettings) {
  Scratch dir;
  std::vector<std::string> args;
  for (const auto& [name, value] : GoodValues(dir)) {
    args.push_back("--" + name);
    args.push_back(value);
  }
  const Parsed all = Cli(args);
  ASSERT_TRUE(all.ok) << all.error;
  const std::string text = ServerConfigText(all.options);
  const Parsed back = Config(text);
  ASSERT_TRUE(back.ok) << back.error;
  EXPECT_EQ(ServerConfigText(back.options), text);
  // Every key is in the text, and the defaults read back as defaults.
  const std::string defaults = ServerConfigText(ServerOptions());
  for (const ServerFlag& f : ServerFlags()) {
    EXPECT_NE(text.find(std::string("\n") + f.name + " = "), std::string::npos) << f.name;
    EXPECT_NE(defaults.find(std::string("\n# ") + f.name + " = "), std::string::npos) << f.name;
  }
  const Parsed none = Config(defaults);
  ASSERT_TRUE(none.ok) << none.error;
  EXPECT_EQ(ServerConfigText(none.options), defaults);
}

TEST(ServerFlags, HelpListsEveryFlagWithinEightyColumns) {
  const std::string usage = ServerUsage();
  for (const ServerFlag& f : ServerFlags())
    EXPECT_NE(usage.find(std::string("  --") + f.name + " "), std::string::npos) << f.name;
  size_t start = 0;
  while (start < usage.size()) {
    size_t end = usage.find('\n', start);
    if (end == std::string::npos) end = usage.size();
    EXPECT_LE(end - start, 80u) << usage.substr(start, end - start);
    start = end + 1;
  }
}

}  // namespace
}  // namespace mf::server
