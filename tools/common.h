// Shared helpers of the command-line tools.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rules/scenario.h"
#include "rules/state.h"

namespace mf::tools {

// Loads a scenario by embedded name or by file path; prints errors to stderr.
std::shared_ptr<const rules::Scenario> LoadScenarioArg(const std::string& name_or_file);

// Reads a whole file; false with a message in `error` when it cannot.
bool ReadFile(const std::string& path, std::string* out, std::string* error);
bool WriteFile(const std::string& path, const std::string& data, std::string* error);

// Parses "--key value" / "--flag" arguments after the subcommand.
class Args {
 public:
  Args(int argc, char** argv, int first);
  bool Has(const std::string& key) const { return values_.count(key) > 0; }
  std::string Get(const std::string& key, const std::string& def = "") const;
  long long GetInt(const std::string& key, long long def) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // Reports options not in `known`; returns false if any.
  bool Check(const std::vector<std::string>& known, const char* usage) const;

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

std::string Hex(uint64_t v);

}  // namespace mf::tools
