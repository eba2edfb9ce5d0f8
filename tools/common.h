// Shared helpers of the command-line tools.
#pragma once

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

std::string Hex(uint64_t v);

}  // namespace mf::tools
