// The reports of forumctl as JSON (proto/reports.proto): protobuf's JSON
// printer, with the field names of the .proto (snake_case), map keys sorted
// (the same report prints the same bytes in every run) and, unless told
// otherwise, zeros, false and empty strings printed.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace mf::tools {

struct JsonStyle {
  bool indent = false;     // One line (false) or indented.
  bool all_fields = true;  // Print fields at their zero value too.
};

std::string ToJson(const google::protobuf::Message& message, JsonStyle style = {});

// Parses a report back; false with `error` when the text is not JSON of
// this message (unknown fields are errors).
bool FromJson(const std::string& json, google::protobuf::Message* message, std::string* error);

// `v` rounded to `digits` significant digits, as "%.{digits}g" prints it
// (how precise a report's numbers are); non-finite values are unchanged.
double Sig(double v, int digits = 6);

}  // namespace mf::tools
