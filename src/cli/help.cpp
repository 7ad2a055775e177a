#include "cli/help.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "cli/catalog.hpp"
#include "config/schema.hpp"

namespace notify::cli {

namespace {

constexpr std::size_t kWidth = 80;

// A line cut at 80 columns, its continuations indented under the text.
std::string wrapped(std::string line, std::size_t indent) {
  std::string out;
  while (line.size() > kWidth) {
    const auto cut = line.rfind(' ', kWidth);
    if (cut == std::string::npos || cut <= indent) break;  // one word wider than the page
    out += line.substr(0, cut) + "\n";
    line = std::string(indent, ' ') + line.substr(cut + 1);
  }
  return out + line + "\n";
}

// The services of which `has` holds, named as prose names them:
// "Telegram, Discord, ntfy and e-mail".
template <typename Pred>
std::string services_that(Pred has) {
  std::vector<std::string> names;
  for (const auto& service : catalog().docs)
    if (has(service)) names.emplace_back(service.name);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out.empty() ? "none" : out;
}

// A row's help line with the services' words it asks for.
std::string help_line(const OptionSpec& o) {
  std::string fill;
  switch (o.fill) {
    case Fill::none: break;
    case Fill::username:
      fill = services_that([](const config::ServiceDoc& s) { return !s.options.username.empty(); });
      break;
    case Fill::icon:
      fill = services_that([](const config::ServiceDoc& s) { return !s.options.icon.empty(); });
      break;
    case Fill::channel:
      fill = services_that([](const config::ServiceDoc& s) { return !s.options.channel.empty(); });
      break;
    case Fill::files:
      fill = services_that([](const config::ServiceDoc& s) { return s.no_files.empty(); });
      break;
    case Fill::types: fill = catalog().type_list(); break;
    case Fill::secret:
    case Fill::server:
      if (const auto* service = discover_service())
        fill = o.fill == Fill::secret ? service->discovery->secret_help
                                      : service->discovery->server_help;
      break;
  }
  std::string help(o.help);
  constexpr std::string_view kMark = "@FILL@";
  if (const auto at = help.find(kMark); at != std::string::npos)
    return help.replace(at, kMark.size(), fill);
  if (fill.empty()) return help;
  return help.empty() ? fill : help + ": " + fill;
}

// "-t, --title TEXT", "--code[=LANG]"; `letters`: the list has short names,
// so a long-only option is indented under the long ones.
std::string flags_of(const OptionSpec& o, bool letters) {
  std::string out = o.letter ? std::string("-") + o.letter + ", " : letters ? "    " : "";
  out += "--" + std::string(o.name);
  if (o.arg == Arg::required) out += " " + std::string(o.value);
  if (o.arg == Arg::attached) out += "[=" + std::string(o.value) + "]";
  return out;
}

// One entry of a two-column list: `left` at 2, `text` from `column` (one
// space at least), wrapped. Several paragraphs ('\n') start a line each and
// indent their continuations a little more.
std::string entry(const std::string& left, std::string_view text, std::size_t column) {
  std::vector<std::string> paragraphs;
  for (std::size_t start = 0;;) {
    const auto end = text.find('\n', start);
    paragraphs.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const std::size_t indent = paragraphs.size() > 1 ? column + 2 : column;
  std::string line = "  " + left;
  line.resize(std::max(line.size() + 1, column), ' ');
  std::string out = wrapped(line + paragraphs[0], indent);
  for (std::size_t i = 1; i < paragraphs.size(); ++i)
    out += wrapped(std::string(column, ' ') + paragraphs[i], indent);
  return out;
}

// An option's entries: one, or one per value that has its own help.
std::string option_entries(const OptionSpec& o, bool letters, std::size_t column) {
  if (!o.choices.empty() && !o.choices.front().help.empty()) {
    std::string out;
    for (const auto& c : o.choices)
      out += entry("--" + std::string(o.name) + " " + std::string(c.value), c.help, column);
    return out;
  }
  return entry(flags_of(o, letters), help_line(o), column);
}

std::string usage_of(const CommandSpec& c) {
  std::string out;
  std::string_view text = c.usage;
  for (bool first = true; !text.empty(); first = false) {
    const auto end = text.find('\n');
    out += (first ? "usage: " : "       ") + std::string(text.substr(0, end)) + "\n";
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return out;
}

// Marks in a command's prose that the catalog or the table fill in.
std::string filled(std::string text) {
  const auto replace = [&](std::string_view mark, const std::string& with) {
    if (auto at = text.find(mark); at != std::string::npos) text.replace(at, mark.size(), with);
  };
  if (text.find("@ALIASES@") != std::string::npos) {
    std::vector<std::string_view> aliases;
    for (const auto& service : catalog().docs)
      aliases.insert(aliases.end(), service.aliases.begin(), service.aliases.end());
    std::string names;
    for (std::size_t i = 0; i < aliases.size(); ++i)
      names += (i == 0 ? "" : i + 1 == aliases.size() ? " or " : ", ") + std::string(aliases[i]);
    replace("@ALIASES@", names);
  }
  if (text.find("@SEND_ONLY@") != std::string::npos) {
    std::vector<std::string> only;
    for (const auto& o : fixed_options())
      if (o.commands == bit(Command::send)) only.push_back("--" + std::string(o.name));
    std::string names;
    for (std::size_t i = 0; i < only.size(); ++i)
      names += (i == 0 ? "" : i + 1 == only.size() ? " and " : ", ") + only[i];
    // The list grows with the table: its line is cut to the page again.
    const auto at = text.find("@SEND_ONLY@");
    const auto start = text.rfind('\n', at) + 1;  // npos + 1: the first line
    const auto end = text.find('\n', at);
    std::string line = text.substr(start, end - start);
    line.replace(line.find("@SEND_ONLY@"), 11, names);
    line = wrapped(line, 0);
    line.pop_back();  // the line's own '\n' stays in the text
    text.replace(start, end - start, line);
  }
  return text;
}

std::string main_help() {
  const auto& send = command_spec(Command::send);
  std::string text = usage_of(send) + "\n" + std::string(send.about) + "\n";
  const std::pair<Group, const char*> groups[] = {
      {Group::message, "message"}, {Group::delivery, "delivery"}, {Group::output, "output and files"}};
  const auto rows = options_of(Command::send);
  for (const auto& [group, title] : groups) {
    text += std::string(title) + ":\n";
    for (const auto* o : rows)
      if (o->group == group) text += option_entries(*o, true, send.column);
    text += "\n";
  }
  text += "commands:\n";
  for (const auto& c : commands()) text += entry(std::string(c.synopsis), c.summary, send.column);
  for (const auto& t : topics()) text += entry(std::string(t.synopsis), t.summary, send.column);
  return text + "\n" + std::string(send.after);
}

const char* unit_name(message::Unit unit) {
  switch (unit) {
    case message::Unit::code_points: return "characters";
    case message::Unit::utf16: return "UTF-16 units";
    case message::Unit::bytes: return "bytes of UTF-8";
  }
  return "units";
}

std::string parts_text(const config::ServiceSchema& schema) {
  if (schema.max_limit == 0)
    return "one message, never split (" + std::to_string(schema.limit) + " " +
           unit_name(schema.unit) + " of text at most)";
  return std::to_string(schema.limit) + " " + unit_name(schema.unit) +
         (schema.max_limit > schema.limit
              ? " (max_length up to " + std::to_string(schema.max_limit) + ")"
              : "");
}

// A level's cell in the priority table: "X-Priority: 4", or "no switch".
std::string switch_text(const config::LevelSwitch& s) {
  return s.field.empty() ? "no switch" : std::string(s.field) + ": " + std::string(s.value);
}

std::string key_line(std::string_view name, std::string_view doc) {
  std::string key = "  " + std::string(name);
  key.resize(std::max<std::size_t>(key.size() + 1, 18), ' ');
  return wrapped(key + std::string(doc), 18);
}

// "every command", "every command but list", or the commands by name.
std::string commands_text(Commands set) {
  std::vector<std::string> in, out;
  for (const auto& c : commands()) (has(set, c.id) ? in : out).emplace_back(c.name);
  auto list = [](const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
    return text;
  };
  if (out.empty()) return "every command";
  if (out.size() < in.size()) return "every command but " + list(out);
  return list(in);
}

}  // namespace

std::string services_help() {
  std::string out = "usage: notify help services [--json]\n\nThe services a profile can name as type = \"...\":\n";
  for (const auto& service : catalog().docs) {
    const auto& schema = *service.schema;
    out += "\n" + std::string(schema.type) + ": " + std::string(schema.title) + "\n";
    out += "  parts: " + parts_text(schema) + "\n";
    out += "  files: " + std::string(service.no_files.empty() ? "yes" : "no") + "\n";
    // What --edit and --reply do there, from the row.
    out += std::string("  edit: ") +
           (service.capabilities.edit ? "yes (--edit replaces the key's message)"
                                      : "no (--edit posts a new message)") +
           "\n";
    out += std::string("  reply: ") +
           (service.capabilities.reply ? "yes (--reply answers the key's first message)"
                                       : "no (--reply posts a new message)") +
           "\n";
    const auto& l = service.loudness;
    out += wrapped("  priority: low = " + switch_text(l.low) + ", high = " + switch_text(l.high) +
                       ", urgent = " + switch_text(l.urgent),
                   4);
    const std::pair<const char*, std::string_view> options[] = {
        {"--username", service.options.username},
        {"--icon", service.options.icon},
        {"--channel", service.options.channel}};
    std::string ignored;
    for (const auto& [flag, meaning] : options) {
      if (meaning.empty()) ignored += (ignored.empty() ? "" : ", ") + std::string(flag);
      else out += wrapped("  " + std::string(flag) + ": " + std::string(meaning), 4);
    }
    if (!ignored.empty()) out += "  ignores: " + ignored + "\n";
    if (!service.can.empty()) out += "  can: " + std::string(service.can) + "\n";
    for (const auto& k : schema.keys) {
      std::string key = "  " + std::string(k.name);
      key.resize(std::max<std::size_t>(key.size() + 1, 16), ' ');
      std::string line = key + std::string(k.doc);
      if (k.required) line += " (required)";
      if (!k.fallback.empty()) line += " [default=" + std::string(k.fallback) + "]";
      out += wrapped(line, 16);
    }
  }
  out += "\nEvery profile also takes these keys, whatever its service (see notify(1)):\n";
  for (const auto& k : config::common_keys())
    if (!k.loudness) out += key_line(k.name, k.doc);
  out += "\nand these, which set how loudly its messages arrive (notify help priority\n"
         "shows each service's switch):\n";
  for (const auto& k : config::common_keys())
    if (k.loudness) out += key_line(k.name, k.doc);
  return out;
}

std::string services_json() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& service : catalog().docs) {
    const auto& schema = *service.schema;
    auto level = [](const config::LevelSwitch& s) {
      return s.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(switch_text(s));
    };
    auto text = [](std::string_view v) {
      return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(v));
    };
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : schema.keys)
      keys.push_back({{"name", k.name},
                      {"doc", k.doc},
                      {"required", k.required},
                      {"secret", k.secret},
                      {"default", text(k.fallback)},
                      {"setup", !k.prompt.empty()}});
    nlohmann::json can = nlohmann::json::array();
    for (auto word : config::capability_words(service)) can.push_back(word);
    const auto& l = service.loudness;
    list.push_back({{"type", schema.type},
                    {"name", service.name},
                    {"title", schema.title},
                    {"parts", {{"limit", schema.limit},
                               {"max_length", schema.max_limit},
                               {"unit", unit_name(schema.unit)},
                               {"text", parts_text(schema)}}},
                    {"files", service.no_files.empty()},
                    {"can", can},
                    {"also", text(service.can)},
                    {"priority", {{"low", level(l.low)},
                                  {"high", level(l.high)},
                                  {"urgent", level(l.urgent)},
                                  {"mentions_notify", l.mentions_notify},
                                  {"note", text(l.note)}}},
                    {"options", {{"username", text(service.options.username)},
                                 {"icon", text(service.options.icon)},
                                 {"channel", text(service.options.channel)}}},
                    {"keys", keys}});
  }
  nlohmann::json common = nlohmann::json::array();
  for (const auto& k : config::common_keys())
    common.push_back({{"name", k.name}, {"doc", k.doc}, {"loudness", k.loudness}});
  return nlohmann::json{{"services", list}, {"common_keys", common}}.dump(2) + "\n";
}

std::string priority_help() {
  std::string out = R"(usage: notify help priority

A message's level is --priority (low, normal, high or urgent), else low for
--silent, else the profile's priority, else normal. Each service sends a
level as the switch below; where it has "no switch", the level goes as normal
(-v says so). Normal is each service's usual delivery.

)";
  const auto& rows = catalog().docs;
  std::vector<std::array<std::string, 4>> table = {{"TYPE", "LOW", "HIGH", "URGENT"}};
  for (const auto& service : rows) {
    const auto& l = service.loudness;
    table.push_back({std::string(service.schema->type), switch_text(l.low), switch_text(l.high),
                     switch_text(l.urgent)});
  }
  std::array<std::size_t, 4> width{};
  for (const auto& row : table)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size() + 2);
  for (const auto& row : table) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.resize(line.size() + width[i] - row[i].size(), ' ');
    }
    out += line + "\n";
  }
  out += "\n";
  for (const auto& service : rows)
    if (!service.loudness.note.empty())
      out += wrapped(std::string(service.schema->type) + ": " + std::string(service.loudness.note), 2);
  out += wrapped("\nAn urgent message also carries the profile's urgent_mentions, which notify on " +
                     services_that([](const config::ServiceDoc& s) {
                       return s.loudness.mentions_notify;
                     }) +
                     "; elsewhere they are plain text.",
                 0);
  out += "\nEvery profile takes these keys (notify help services, notify(1)):\n";
  for (const auto& k : config::common_keys())
    if (k.loudness) out += key_line(k.name, k.doc);
  return out;
}

std::string options_help() {
  std::string out = R"(usage: notify help options [--json]

Every option and the commands that take it. An option may mean one thing to
one command and another to the next: `notify COMMAND --help` says what.
)";
  for (const auto* o : all_options()) {
    std::string left = flags_of(*o, true);
    if (!o->choices.empty()) {  // --on failure|always|success
      left.resize(left.size() - o->value.size());
      for (std::size_t i = 0; i < o->choices.size(); ++i)
        left += (i ? "|" : "") + std::string(o->choices[i].value);
    }
    out += entry(left, commands_text(o->commands), 27);
  }
  return out;
}

std::string options_json() {
  auto names_of = [](Commands set) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : commands())
      if (has(set, c.id)) out.push_back(c.name);
    return out;
  };
  auto lines_of = [](std::string_view text) {
    nlohmann::json out = nlohmann::json::array();
    while (!text.empty()) {
      const auto end = text.find('\n');
      out.push_back(std::string(text.substr(0, end)));
      text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    return out;
  };
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : commands()) {
    nlohmann::json actions = nlohmann::json::array();
    for (auto a : c.actions) actions.push_back(a);
    nlohmann::json options = nlohmann::json::array();
    for (const auto* o : options_of(c.id)) {
      options.push_back("--" + std::string(o->name));
      if (o->letter) options.push_back(std::string("-") + o->letter);
    }
    list.push_back({{"name", c.name},
                    {"word", c.word},
                    {"synopsis", c.synopsis},
                    {"summary", c.summary},
                    {"usage", lines_of(c.usage)},
                    {"actions", actions},
                    {"options", options}});
  }
  const char* const arg_names[] = {"none", "required", "attached"};
  const char* const group_names[] = {"", "message", "delivery", "output and files"};
  nlohmann::json rows = nlohmann::json::array();
  for (const auto* o : all_options()) {
    nlohmann::json choices = nlohmann::json::array();
    for (const auto& c : o->choices) choices.push_back({{"value", c.value}, {"help", c.help}});
    std::string help = help_line(*o);
    std::replace(help.begin(), help.end(), '\n', ' ');
    nlohmann::json row = {
        {"long", "--" + std::string(o->name)},
        {"short", o->letter ? nlohmann::json(std::string("-") + o->letter) : nlohmann::json()},
        {"arg", arg_names[static_cast<int>(o->arg)]},
        {"value", o->value.empty() ? nlohmann::json() : nlohmann::json(o->value)},
        {"commands", names_of(o->commands)},
        {"group", group_names[static_cast<int>(o->group)]},
        {"help", help},
        {"repeat", o->repeat},
        {"choices", choices}};
    if (o->max > 0) row["range"] = {o->min, o->max};
    if (!o->field.empty()) row["field"] = o->field;
    rows.push_back(std::move(row));
  }
  nlohmann::json topic_list = nlohmann::json::array();
  for (const auto& t : topics())
    topic_list.push_back({{"name", t.name}, {"synopsis", t.synopsis}, {"summary", t.summary}});
  return nlohmann::json{{"commands", list}, {"options", rows}, {"topics", topic_list}}.dump(2) +
         "\n";
}

std::string help_for(Command command) {
  if (command == Command::send || command == Command::help || command == Command::version)
    return main_help();
  const auto& c = command_spec(command);
  std::string text = usage_of(c) + "\n" + filled(std::string(c.about));
  for (const auto* o : options_of(command))
    if (!has(o->commands, Command::send)) text += option_entries(*o, false, c.column);
  return text + filled(std::string(c.after));
}

std::string topic_text(Topic topic, bool json) {
  switch (topic) {
    case Topic::services: return json ? services_json() : services_help();
    case Topic::priority: return priority_help();
    case Topic::options: return json ? options_json() : options_help();
  }
  return {};
}

std::string no_profile_file(const std::vector<std::string>& looked) {
  std::string list;
  for (const auto& c : looked) list += (list.empty() ? "" : ", ") + c;
  return "no profile file (looked in " + list + "); run 'notify setup' to write one, or start "
         "from " NOTIFY_DOCDIR "/profiles.example.toml (see notify(1))";
}

}  // namespace notify::cli
