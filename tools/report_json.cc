#include "tools/report_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace mf::tools {
namespace {

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

google::protobuf::util::TypeResolver* Resolver() {
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool()));
  return resolver.get();
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message, JsonStyle style) {
  // MessageToJsonString prints maps in hash order, which changes from run to
  // run: the printer reads a deterministic serialization instead, in which
  // map entries are sorted by key.
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = style.indent;
  options.always_print_primitive_fields = style.all_fields;
  options.preserve_proto_field_names = true;
  std::string out;
  const auto status = google::protobuf::util::BinaryToJsonString(
      Resolver(), std::string(kTypeUrlPrefix) + "/" + message.GetDescriptor()->full_name(), binary,
      &out, options);
  // Only a message whose type is not in the generated pool could fail.
  if (!status.ok())
    throw std::runtime_error("JSON of " + message.GetTypeName() + ": " + status.ToString());
  if (style.indent && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool FromJson(const std::string& json, google::protobuf::Message* message, std::string* error) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) {
    *error = status.ToString();
    return false;
  }
  return true;
}

double Sig(double v, int digits) {
  if (!std::isfinite(v)) return v;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return std::strtod(buf, nullptr);
}

}  // namespace mf::tools
