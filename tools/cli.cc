#include "tools/cli.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace mf::tools {
namespace {

std::map<const CLI::App*, std::function<int()>>& Runs() {
  static std::map<const CLI::App*, std::function<int()>> runs;
  return runs;
}

// The option groups of `app` that require options (e.g. report's RECORD).
std::vector<const CLI::App*> RequiredGroups(const CLI::App* app) {
  return app->get_subcommands(
      [](const CLI::App* s) { return s->get_name().empty() && s->get_require_option_min() > 0; });
}

std::vector<const CLI::App*> Commands(const CLI::App* app) {
  return app->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); });
}

// Breaks `text` at spaces into lines of at most `width` characters (each
// line of the text on its own).
std::string WrapText(const std::string& text, size_t width) {
  std::string out, line;
  std::stringstream lines(text);
  std::string raw;
  bool first_line = true;
  while (std::getline(lines, raw)) {
    if (!first_line) out += "\n";
    first_line = false;
    std::stringstream words(raw);
    std::string word;
    line.clear();
    while (words >> word) {
      if (!line.empty() && line.size() + 1 + word.size() > width) {
        out += line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
    }
    out += line;
  }
  return out;
}

constexpr size_t kHelpWidth = 80;
constexpr size_t kHelpColumn = 30;

class Help : public CLI::Formatter {
 public:
  Help() { column_width(kHelpColumn); }

  std::string make_option_desc(const CLI::Option* opt) const override {
    return WrapText(opt->get_description(), kHelpWidth - kHelpColumn);
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true),
                             WrapText(sub->get_description(), kHelpWidth - kHelpColumn),
                             column_width_);
    return out.str();
  }
  std::string make_description(const CLI::App* app) const override {
    const std::string d = CLI::Formatter::make_description(app);
    return d.empty() ? d : WrapText(d, kHelpWidth) + "\n\n";
  }
  // CLI11 leaves two blank lines between the options and the commands: one.
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    std::string out = CLI::Formatter::make_help(app, std::move(name), mode);
    for (size_t at = out.find("\n\n\n"); at != std::string::npos; at = out.find("\n\n\n", at))
      out.erase(at, 1);
    return out;
  }
  std::string make_footer(const CLI::App* app) const override {
    const std::string f = CLI::Formatter::make_footer(app);
    return f.empty() ? f : WrapText(f, kHelpWidth) + "\n";
  }

  // "--games N": the metavar only (the range and default are in the text).
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (opt->get_positional()) return opt->get_expected_max() > 1 ? " ..." : "";
    if (opt->get_type_size() == 0) return "";
    std::string out = " " + opt->get_type_name();
    if (opt->get_expected_max() > 1 && out.size() > 3 && out.compare(out.size() - 3, 3, "...") != 0)
      out += " ...";
    return out;
  }

  // "Usage: forumctl balance --scenario SCENARIO --out FILE [OPTIONS]".
  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string out = "Usage: " + name;
    bool optional = false;
    for (const CLI::Option* o : app->get_options()) {
      if (o->get_positional()) continue;
      if (o->get_required())
        out += " " + o->get_name() + make_option_opts(o);
      else
        optional = true;
    }
    for (const CLI::App* g : RequiredGroups(app)) out += " " + g->get_group();
    if (optional) out += " [OPTIONS]";
    for (const CLI::Option* o : app->get_options())
      if (o->get_positional())
        out += " " + o->get_type_name() + (o->get_expected_max() > 1 ? "..." : "");
    if (!Commands(app).empty()) out += " COMMAND";
    return out + "\n";
  }
};

// The help of `app` and of every command under it; `parent` is the path of
// the command above ("" for the program).
void FullHelp(const CLI::App* app, const std::string& parent, std::string* out) {
  *out += app->help(parent) + "\n";
  const std::string path = (parent.empty() ? "" : parent + " ") + app->get_name();
  for (const CLI::App* sub : Commands(app)) FullHelp(sub, path, out);
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// ---- Bash completion -------------------------------------------------------------

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The compgen arguments that complete a value of this metavar ("" = none).
std::string ValueCompletion(const std::string& metavar,
                            const std::map<std::string, std::vector<std::string>>& words) {
  if (metavar == "FILE") return "-f";
  if (metavar == "DIR") return "-d";
  auto it = words.find(metavar);
  if (it != words.end()) {
    std::string w;
    for (const std::string& s : it->second) w += (w.empty() ? "" : " ") + s;
    return "-W " + ShellQuote(w) + (metavar == "SCENARIO" ? " -f" : "");
  }
  // a|b|c: literal choices.
  if (metavar.find('|') != std::string::npos) {
    std::string w;
    std::stringstream ss(metavar);
    std::string item;
    while (std::getline(ss, item, '|')) {
      for (char c : item)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(c) || c == '-'))
          return "";
      w += (w.empty() ? "" : " ") + item;
    }
    return "-W " + ShellQuote(w);
  }
  return "";
}

struct CompletionText {
  std::string walk;    // case arms: a word that enters a subcommand.
  std::string values;  // case arms: "path prev" -> the value's completion.
  std::string words;   // case arms: path -> its options and subcommands.
};

void Complete(const CLI::App* app, const std::string& path,
              const std::map<std::string, std::vector<std::string>>& words, CompletionText* out) {
  std::string list, positional;
  std::vector<const CLI::Option*> options = app->get_options();
  for (const CLI::App* g :
       app->get_subcommands([](const CLI::App* s) { return s->get_name().empty(); }))
    for (const CLI::Option* o : g->get_options()) options.push_back(o);
  for (const CLI::Option* o : options) {
    if (o->get_group().empty()) continue;  // Hidden.
    if (o->get_positional()) {
      const std::string c = ValueCompletion(o->get_type_name(), words);
      if (!c.empty()) positional = " " + c;
      continue;
    }
    std::vector<std::string> names;
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
    for (const std::string& n : names) {
      list += (list.empty() ? "" : " ") + n;
      if (o->get_type_size() == 0) continue;
      const std::string c = ValueCompletion(o->get_type_name(), words);
      out->values += "    " + ShellQuote(path + " " + n) + ")\n      COMPREPLY=(" +
                     (c.empty() ? std::string() : "$(compgen " + c + " -- \"$cur\")") +
                     ")\n      return ;;\n";
    }
  }
  for (const CLI::App* sub : Commands(app)) {
    list += (list.empty() ? "" : " ") + sub->get_name();
    const std::string sub_path = path + "/" + sub->get_name();
    out->walk += "      " + ShellQuote(sub_path) + ") path=" + ShellQuote(sub_path) + " ;;\n";
    Complete(sub, sub_path, words, out);
  }
  out->words += "    " + ShellQuote(path) + ")\n      COMPREPLY=($(compgen -W " + ShellQuote(list) +
                positional + " -- \"$cur\")) ;;\n";
}

}  // namespace

void OnRun(CLI::App* sub, std::function<int()> run) {
  Runs()[sub] = std::move(run);
}

void SetUpHelp(CLI::App* app) {
  app->formatter(std::make_shared<Help>());
  app->add_flag_callback(
      "--help-all",
      [app] {
        std::string text;
        FullHelp(app, "", &text);
        throw CLI::CallForVersion(text, 0);
      },
      "Print the help of every command and exit");
}

int RunCommandLine(CLI::App* app, int argc, char** argv) {
  try {
    app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app->exit(e);  // --help, --help-all, --version.
    // The command as far as it was parsed: its --help lists the options.
    std::string path = app->get_name();
    const CLI::App* at = app;
    for (;;) {
      std::vector<const CLI::App*> subs = at->get_subcommands(
          [](const CLI::App* s) { return !s->get_name().empty() && s->parsed(); });
      if (subs.empty()) break;
      at = subs.front();
      path += " " + at->get_name();
    }
    // Words left over where a command was expected: name them.
    const std::vector<std::string> left = at->remaining();
    if (!Commands(at).empty() && !left.empty() && left.front().rfind("-", 0) != 0)
      std::cerr << path << ": unknown command '" << left.front() << "'";
    else
      std::cerr << path << ": " << e.what();
    std::cerr << "\n(" << path << " --help lists the options)\n";
    return 2;
  }
  const CLI::App* at = app;
  for (;;) {
    std::vector<CLI::App*> subs = at->get_subcommands();
    if (subs.empty()) break;
    at = subs.front();
  }
  auto it = Runs().find(at);
  if (it == Runs().end()) {
    std::cerr << at->help();
    return 2;
  }
  return it->second();
}

std::string RangeText(long long lo, long long hi) {
  return std::to_string(lo) + ".." + std::to_string(hi);
}

std::string WithRange(const std::string& help, const std::string& range, const std::string& def) {
  if (help.find("default") != std::string::npos) return help + " (" + range + ")";
  return help + " (" + range + "; default " + def + ")";
}

std::string RangeError(const std::string& value, const std::string& range) {
  return "'" + value + "' is not in " + range;
}

bool ParseWhole(const std::string& text, long long* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 0);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  *out = v;
  return true;
}

CLI::Option* AddReal(CLI::App* app, const std::string& flag, double* value,
                     const std::string& metavar, double lo, double hi, const std::string& help) {
  const std::string range = Fmt(lo) + ".." + Fmt(hi);
  CLI::Option* opt = app->add_option(flag, *value, WithRange(help, range, Fmt(*value)));
  opt->type_name(metavar);
  opt->check(CLI::Validator(
      [lo, hi, range](std::string& in) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(in.c_str(), &end);
        if (in.empty() || errno != 0 || end != in.c_str() + in.size() || !(v >= lo && v <= hi))
          return RangeError(in, range);
        return "";
      },
      "", ""));
  return opt;
}

CLI::Option* AddSeed(CLI::App* app, uint64_t* seed, const std::string& help) {
  const std::string range = "0..18446744073709551615";
  CLI::Option* opt =
      app->add_option("--seed", *seed, WithRange(help, range, std::to_string(*seed)));
  opt->type_name("N");
  opt->check(CLI::Validator(
      [range](std::string& in) -> std::string {
        char* end = nullptr;
        errno = 0;
        std::strtoull(in.c_str(), &end, 0);
        if (in.empty() || !std::isdigit(static_cast<unsigned char>(in[0])) || errno != 0 ||
            end != in.c_str() + in.size())
          return RangeError(in, range);
        return "";
      },
      "", ""));
  return opt;
}

CLI::Option* AddText(CLI::App* app, const std::string& flag, std::string* value,
                     const std::string& metavar, const std::string& help) {
  CLI::Option* opt = app->add_option(flag, *value, help);
  opt->type_name(metavar);
  return opt;
}

CLI::Validator OneOf(const std::vector<std::string>& words) {
  std::string list;
  for (const std::string& w : words) list += (list.empty() ? "" : ", ") + w;
  return Check("", [words, list](const std::string& in) -> std::string {
    for (const std::string& w : words)
      if (in == w) return "";
    return "'" + in + "' is not one of " + list;
  });
}

CLI::Validator Check(const std::string& what, std::function<std::string(const std::string&)> f) {
  return CLI::Validator([f](std::string& in) { return f(in); }, "", what);
}

std::string BashCompletion(const CLI::App& app,
                           const std::map<std::string, std::vector<std::string>>& words) {
  CompletionText t;
  Complete(&app, "", words, &t);
  const std::string name = app.get_name();
  return "# bash completion for " + name + " (written by `" + name +
         " --bash-completion`)\n"
         "_" +
         name +
         "() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  local path= i\n"
         "  # The subcommand the words so far name.\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case \"$path/${COMP_WORDS[i]}\" in\n" +
         t.walk +
         "    esac\n"
         "  done\n"
         "  # The value of an option.\n"
         "  case \"$path $prev\" in\n" +
         t.values +
         "  esac\n"
         "  case \"$path\" in\n" +
         t.words +
         "  esac\n"
         "}\n"
         "complete -F _" +
         name + " " + name + "\n";
}

}  // namespace mf::tools
