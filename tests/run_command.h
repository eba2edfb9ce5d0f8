// Runs a shell command for the tests that drive the programs as a person
// would (forumctl, forum-client, headless Chromium): its exit code and what
// it printed on stdout.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace mf::testing {

struct CommandResult {
  int code = -1;  // The exit code; -1 when it could not run or died of a signal.
  std::string out;
};

inline CommandResult RunCommand(const std::string& cmd) {
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, got);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace mf::testing
