#include "client/record_file.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mf::client {
namespace {

namespace fs = std::filesystem;

ChatLine ChatFromWire(const mf::ChatMessage& m) {
  ChatLine l;
  l.serial = m.serial();
  l.from = m.from();
  l.from_name = m.from_name();
  switch (m.channel().to_case()) {
    case mf::Channel::kSeat:
      l.channel.to = Channel::To::kSeat;
      l.channel.seat = m.channel().seat();
      break;
    case mf::Channel::kCaucus:
      l.channel.to = Channel::To::kCaucus;
      l.channel.caucus = m.channel().caucus();
      break;
    default:
      l.channel.to = Channel::To::kEveryone;
  }
  l.text = m.text();
  l.sent_unix_ms = m.sent_unix_ms();
  return l;
}

// Text-format errors are expected while the formats are tried in turn.
class Quiet : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
};

bool NoUnknownFields(const google::protobuf::Message& m) {
  return m.GetReflection()->GetUnknownFields(m).empty();
}

// A log that names its scenario and has something to replay.
bool PlausibleLog(const mf::GameLog& gl) {
  return !gl.scenario().empty() || !gl.scenario_text().empty();
}

bool PlausibleResponse(const mf::GetRecordResponse& r) {
  return r.has_log() && PlausibleLog(r.log());
}

}  // namespace

void RecordFromResponse(const mf::GetRecordResponse& r, ReplayRecord* out) {
  out->log = r.log();
  if (out->log.entries_size() == 0)
    for (const mf::RecordEntry& e : r.entries()) *out->log.add_entries() = e.entry();
  out->action_ms.clear();
  if (r.entries_size() == out->log.entries_size())
    for (const mf::RecordEntry& e : r.entries()) out->action_ms.push_back(e.at_unix_ms());
  out->chat.clear();
  for (const mf::ChatMessage& m : r.chat()) out->chat.push_back(ChatFromWire(m));
  out->expected_hash = r.state_hash();
  out->finished = r.finished();
}

bool LoadRecordFile(const std::string& path, ReplayRecord* out, std::string* error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    *error = path +
             " is a folder. Give a record file: `forumctl session export --out FILE` writes "
             "one from a server, `forumctl simulate --log FILE` a bot game";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path + (fs::exists(path, ec) ? "" : " (no such file)");
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  if (data.empty()) {
    *error = path + " is empty";
    return false;
  }
  *out = ReplayRecord();
  out->source = fs::path(path).filename().string();
  // 1. The binary export (a GetRecordResponse), then a binary GameLog. A
  //    parse that leaves unknown fields is some other message.
  {
    mf::GetRecordResponse r;
    if (r.ParseFromString(data) && NoUnknownFields(r) && NoUnknownFields(r.log()) &&
        PlausibleResponse(r)) {
      RecordFromResponse(r, out);
      return true;
    }
    mf::GameLog gl;
    if (gl.ParseFromString(data) && NoUnknownFields(gl) && PlausibleLog(gl)) {
      out->log = std::move(gl);
      return true;
    }
  }
  // 2. Protobuf text format.
  {
    google::protobuf::TextFormat::Parser parser;
    Quiet quiet;
    parser.RecordErrorsTo(&quiet);
    mf::GameLog gl;
    if (parser.ParseFromString(data, &gl) && PlausibleLog(gl)) {
      out->log = std::move(gl);
      return true;
    }
    mf::GetRecordResponse r;
    if (parser.ParseFromString(data, &r) && PlausibleResponse(r)) {
      RecordFromResponse(r, out);
      return true;
    }
  }
  // 3. JSON (`forumctl record`).
  {
    google::protobuf::util::JsonParseOptions o;
    mf::GetRecordResponse r;
    if (google::protobuf::util::JsonStringToMessage(data, &r, o).ok() && PlausibleResponse(r)) {
      RecordFromResponse(r, out);
      return true;
    }
    mf::GameLog gl;
    if (google::protobuf::util::JsonStringToMessage(data, &gl, o).ok() && PlausibleLog(gl)) {
      out->log = std::move(gl);
      return true;
    }
  }
  *error = path +
           " is not a session record (expected the file of `forumctl session export`, an "
           "mf.GameLog in protobuf text or binary form, or the JSON of `forumctl record`)";
  return false;
}

}  // namespace mf::client
