#include "config/schema.hpp"

#include <algorithm>
#include <cstdint>

#include "core/names.hpp"
#include "core/url.hpp"

namespace notify::config {

namespace {

std::string integer_problem(const KeySpec& key, std::string_view value) {
  const bool digits = !value.empty() && value.size() <= 18 &&
                      std::all_of(value.begin(), value.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
  const std::int64_t n = digits ? std::stoll(std::string(value)) : -1;
  if (digits && n >= key.min && n <= key.max) return "";
  if (key.max == INT64_MAX)
    return key.min == 1 ? "must be a positive whole number"
                        : "must be a whole number of at least " + std::to_string(key.min);
  return "must be a whole number from " + std::to_string(key.min) + " to " +
         std::to_string(key.max);
}

}  // namespace

std::string base_url_check(std::string_view value) {
  const auto u = split_url(value);
  if (u && u->has_query)
    return "must be the server's base URL, without a ?query: notify adds the path to it";
  return "";
}

std::string value_problem(const ServiceSchema& service, const KeySpec& key,
                          std::string_view value) {
  if (key.type == KeyType::url) {
    if (auto problem = url_problem(value)) return "is not a valid http(s) URL: it " + *problem;
    // What follows '#' never reaches a server, and a URL notify adds to
    // would get its additions after it, where they are lost.
    if (value.find('#') != std::string_view::npos)
      return "must not hold a #fragment: nothing after # reaches the server";
    // The key's own check first: it can name a URL it knows to be wrong (a
    // retired host) in clearer words than "its path must be ...".
    if (key.check)
      if (auto problem = key.check(value); !problem.empty()) return problem;
    if (!fits_shapes(value, key.shapes))
      return "is not a " + std::string(service.title) + " URL: its path must be " +
             shapes_for_people(key.shapes);
  }
  if (key.type == KeyType::integer) return integer_problem(key, value);
  // A table's check is for its names (the loader applies it); its values
  // go out as they are, so no line of them may become another line.
  if (key.type == KeyType::table)
    return std::any_of(value.begin(), value.end(),
                       [](char c) {
                         return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
                       })
               ? "holds a line break or another control character"
               : "";
  return key.check ? key.check(value) : "";
}

const KeySpec* ServiceSchema::key(std::string_view name) const {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string_view> capability_words(const ServiceDoc& s) {
  const auto& l = s.loudness;
  const std::pair<bool, std::string_view> all[] = {
      {s.no_files.empty(), "files"},
      {!l.low.field.empty(), "silent"},
      {!l.high.field.empty() || !l.urgent.field.empty(), "louder"},
      {l.mentions_notify, "mentions"},
      {!s.options.username.empty(), "username"},
      {!s.options.icon.empty(), "icon"},
      {!s.options.channel.empty(), "channel"},
      {s.capabilities.edit, "edit"},
      {s.capabilities.reply, "reply"},
      {s.capabilities.heartbeat, "heartbeat"},
  };
  std::vector<std::string_view> out;
  for (const auto& [has, word] : all)
    if (has) out.push_back(word);
  return out;
}

const ServiceDoc* Catalog::doc(std::string_view type) const {
  for (const auto& d : docs)
    if (d.schema && d.schema->type == type) return &d;
  return nullptr;
}

const ServiceDoc* Catalog::named(std::string_view name) const {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  std::string lower(name);
  for (auto& c : lower)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  for (const auto& d : docs) {
    if (d.schema && d.schema->type == lower) return &d;
    for (auto alias : d.aliases)
      if (alias == lower) return &d;
  }
  return nullptr;
}

std::vector<const ServiceDoc*> Catalog::discoverable() const {
  std::vector<const ServiceDoc*> out;
  for (const auto& d : docs)
    if (d.schema && d.discovery) out.push_back(&d);
  return out;
}

std::vector<std::string_view> Catalog::command_words() const {
  std::vector<std::string_view> out(std::begin(kCommandNames), std::end(kCommandNames));
  for (const auto* d : discoverable()) out.push_back(d->schema->type);
  return out;
}

bool Catalog::is_command_word(std::string_view word) const {
  if (is_command_name(word)) return true;
  for (const auto* d : discoverable())
    if (d->schema->type == word) return true;
  return false;
}

const ServiceSchema* Catalog::find(std::string_view type) const {
  for (const auto* s : services)
    if (s->type == type) return s;
  return nullptr;
}

const std::vector<CommonKey>& common_keys() {
  static const std::vector<CommonKey> keys = {
      {"type", "the service, one of those above (required)"},
      {"silent", "true: deliver without a sound, as priority \"low\" [default=false]"},
      {"code", "true: send every message as a code block [default=false]"},
      {"code_lang", "language tag of that code block"},
      {"max_length", "largest part, in the service's unit (parts: above)"},
      {"max_parts", "most parts per message, head and tail kept [default=10]"},
      {"timeout", "seconds for one request, 1 to 3600 [default=10]"},
      {"retries", "extra attempts, 0 to 100 [default=3]"},
      {"fallback", "profile, or list of them, tried when this one fails"},
      {"ca_file", "PEM file of a private certificate authority"},
      {"spool", "false: drop a message that cannot be delivered [default=true]"},
      {"cooldown", "a --key's messages at most once per this long here (90s, 30m, 6h, 1d)"},
      {"quiet_hours",
       "\"22:00-07:00\": local time when messages below quiet_below wait in the spool, "
       "then go as one digest at the first flush after"},
      {"quiet_below", "what quiet hours hold: levels below this one [default=urgent]"},
      {"priority",
       "the level when --priority gives none: low, normal, high or urgent [default=normal]",
       true},
      {"min_priority", "quieter messages skip this profile [default=low]", true},
      {"notice_only", "true: send the title and where the text went, never the text", true},
      {"urgent_mentions", "mentions added to an urgent message, allowed to notify", true},
  };
  return keys;
}

std::string Catalog::type_list(std::string_view last_word) const {
  std::string out;
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (i > 0)
      out += i + 1 < services.size() || last_word == "," ? std::string(", ")
                                                         : " " + std::string(last_word) + " ";
    out += services[i]->type;
  }
  return out;
}

}  // namespace notify::config
