#include "tools/common.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace mf::tools {

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open for reading";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool WriteFile(const std::string& path, const std::string& data, std::string* error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    *error = path + ": cannot open for writing";
    return false;
  }
  out << data;
  out.close();
  if (!out) {
    *error = path + ": write failed";
    return false;
  }
  return true;
}

std::shared_ptr<const rules::Scenario> LoadScenarioArg(const std::string& arg) {
  rules::LoadResult r;
  const bool is_path =
      arg.find('/') != std::string::npos || arg.find(".textproto") != std::string::npos;
  if (is_path) {
    std::string text, error;
    if (!ReadFile(arg, &text, &error)) {
      std::cerr << error << "\n";
      return nullptr;
    }
    r = rules::LoadScenario(text, arg);
  } else {
    r = rules::LoadEmbeddedScenario(arg);
  }
  for (const std::string& e : r.errors) std::cerr << e << "\n";
  return r.scenario;
}

std::string Hex(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace mf::tools
