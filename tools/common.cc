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

Args::Args(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      std::string key = a.substr(2), value = "true";
      const size_t eq = key.find('=');
      if (eq != std::string::npos) {
        value = key.substr(eq + 1);
        key = key.substr(0, eq);
      } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        value = argv[++i];
      }
      values_[key] = value;
    } else {
      positional_.push_back(a);
    }
  }
}

std::string Args::Get(const std::string& key, const std::string& def) const {
  auto it = values_.find(key);
  return it == values_.end() ? def : it->second;
}

long long Args::GetInt(const std::string& key, long long def) const {
  auto it = values_.find(key);
  if (it == values_.end()) return def;
  try {
    size_t used = 0;
    long long v = std::stoll(it->second, &used, 0);
    if (used == it->second.size()) return v;
  } catch (...) {
  }
  std::cerr << "--" << key << ": '" << it->second << "' is not a number\n";
  std::exit(2);
}

bool Args::Check(const std::vector<std::string>& known, const char* usage) const {
  bool ok = true;
  for (const auto& kv : values_) {
    bool found = false;
    for (const auto& k : known) found |= k == kv.first;
    if (!found) {
      std::cerr << "unknown option --" << kv.first << "\nusage: " << usage << "\n";
      ok = false;
    }
  }
  return ok;
}

std::string Hex(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace mf::tools
