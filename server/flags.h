// forumd's command line and configuration file, read through one table.
//
// Every setting of ServerOptions that a person may change is one row of
// ServerFlags(): its name is both the flag (`--threads 4`, `--threads=4`)
// and the key of the configuration file (`threads = 4`), and one codec turns
// its text into the value, with the same checks and the same message, either
// way. A flag and a key cannot disagree because there is only the row.
//
// The configuration file (`forumd --config FILE`) holds `KEY = VALUE` lines;
// blank lines and lines starting with '#' are ignored; the value is the rest
// of the line, trimmed (no quotes, and '#' inside a value is part of it).
// Flags on the command line override the file's keys, whatever their order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/options.h"

namespace mf::server {

// How one setting reads its text and shows its value as text.
struct FlagCodec {
  // Sets the value; false with a message that completes "--NAME " or "KEY ".
  std::function<bool(const std::string& text, ServerOptions* o, std::string* error)> set;
  // The value as text that `set` reads back ("" when unset).
  std::function<std::string(const ServerOptions& o)> show;
  // A value `set` accepts that differs from the default ("" when only a real
  // file will do): the tests cover every row with it, without a list of their own.
  std::string example;
};

struct ServerFlag {
  const char* name;   // "threads": --threads on the command line, threads = in a file.
  const char* value;  // What the value is, for --help: "N", "ADDR:PORT", "FILE".
  const char* help;   // One or more lines ('\n') for --help and the file's comments.
  FlagCodec codec;
};

// Every flag, in the order --help lists them.
const std::vector<ServerFlag>& ServerFlags();

// What the command line asks for besides the settings.
enum class ServerCommand { kRun, kHelp, kVersion, kPrintConfig };

// Reads argv (without the program name): the file of --config FILE first,
// then every other flag in order. False with a message naming the flag, or
// the file and line, of the first error; *out is then unspecified.
bool ParseServerCommandLine(const std::vector<std::string>& args, ServerOptions* out,
                            ServerCommand* command, std::string* error);

// Applies the `KEY = VALUE` lines of `text`; `source` names it in messages
// ("FILE:LINE: ...").
bool ApplyServerConfig(const std::string& text, const std::string& source, ServerOptions* out,
                       std::string* error);

// --help.
std::string ServerUsage();

// A configuration file that reads back to `o`: every key with its help as a
// comment; keys at their default value are commented out.
std::string ServerConfigText(const ServerOptions& o);

}  // namespace mf::server
