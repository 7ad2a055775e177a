#include "config/loader.hpp"

#include <algorithm>
#include <set>
#include <string>

// toml++ asserts on some malformed input that it then reports well: a
// table header "[.a]" aborts a debug build, and with NDEBUG the same check
// becomes an assumption (undefined behaviour under Clang). Its checks are
// plain no-ops here, so every malformed file is an error, never a crash.
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

#include "config/syntax_error.hpp"
#include "core/duration.hpp"
#include "core/names.hpp"
#include "core/url.hpp"
#include "message/escape.hpp"

namespace notify::config {

std::vector<std::string> config_candidates(
    const std::optional<std::string>& flag, const EnvLookup& env) {
  if (flag) return {*flag};
  if (auto v = env("NOTIFY_CONFIG"); v && !v->empty()) return {*v};
  std::vector<std::string> out;
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) {
    out.push_back(*xdg + "/notify/profiles.toml");
  } else if (auto home = env("HOME"); home && !home->empty()) {
    out.push_back(*home + "/.config/notify/profiles.toml");
  }
  out.push_back("/etc/notify/profiles.toml");
  return out;
}

namespace {

std::string where(const std::string& path, const toml::source_region& r) {
  return path + ":" + std::to_string(r.begin.line) + ":" +
         std::to_string(r.begin.column);
}

std::string suggestion(std::string_view key,
                       const std::vector<std::string_view>& known) {
  auto best = closest(key, known);
  if (best.empty()) return "";
  return " (did you mean '" + best + "'?)";
}

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}

// Collects the first error with its position; parsing stops at it.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  bool failed() const { return error_.has_value(); }
  Error take_error() { return *error_; }

  void fail(const toml::source_region& r, std::string what) {
    if (!error_)
      error_ = make_error(ErrorKind::config, where(path_, r) + ": " + what);
  }
  const std::string& path() const { return path_; }

  std::optional<std::string> string(const toml::node& n, std::string_view ctx) {
    if (auto v = n.value<std::string>()) return *v;
    fail(n.source(), std::string(ctx) + " must be a string, not " + type_name(n));
    return std::nullopt;
  }
  std::optional<bool> boolean(const toml::node& n, std::string_view ctx) {
    if (n.is_boolean()) return n.value<bool>();
    fail(n.source(), std::string(ctx) + " must be true or false, not " + type_name(n));
    return std::nullopt;
  }
  std::optional<std::int64_t> integer(const toml::node& n, std::string_view ctx,
                                      std::int64_t lo, std::int64_t hi) {
    if (!n.is_integer()) {
      fail(n.source(), std::string(ctx) + " must be an integer, not " + type_name(n));
      return std::nullopt;
    }
    auto v = *n.value<std::int64_t>();
    if (v < lo || v > hi) {
      fail(n.source(), std::string(ctx) + " must be between " + std::to_string(lo) +
                           " and " + std::to_string(hi) + ", not " + std::to_string(v));
      return std::nullopt;
    }
    return v;
  }
  std::optional<std::vector<std::string>> string_list(const toml::node& n,
                                                      std::string_view ctx) {
    std::vector<std::string> out;
    if (n.is_string()) return std::vector<std::string>{*n.value<std::string>()};
    const auto* arr = n.as_array();
    if (!arr) {
      fail(n.source(), std::string(ctx) + " must be a string or an array of strings");
      return std::nullopt;
    }
    for (const auto& e : *arr) {
      auto s = string(e, ctx);
      if (!s) return std::nullopt;
      out.push_back(*s);
    }
    return out;
  }

 private:
  std::string path_;
  std::optional<Error> error_;
};


void read_defaults(Reader& r, const toml::table& t, Defaults& d) {
  static const std::vector<std::string_view> known = {"timeout", "retries", "max_parts",
                                                       "silent", "code"};
  for (auto&& [key, node] : t) {
    auto k = key.str();
    if (k == "timeout") {
      if (auto v = r.integer(node, "defaults.timeout", kTimeoutSeconds.min, kTimeoutSeconds.max)) d.timeout_s = int(*v);
    } else if (k == "retries") {
      if (auto v = r.integer(node, "defaults.retries", kRetries.min, kRetries.max)) d.retries = int(*v);
    } else if (k == "max_parts") {
      if (auto v = r.integer(node, "defaults.max_parts", kMaxParts.min, kMaxParts.max)) d.max_parts = int(*v);
    } else if (k == "silent") {
      if (auto v = r.boolean(node, "defaults.silent")) d.silent = *v;
    } else if (k == "code") {
      if (auto v = r.boolean(node, "defaults.code")) d.code = *v;
    } else {
      r.fail(key.source(), "[defaults]: unknown key '" + std::string(k) + "'" +
                               suggestion(k, known));
    }
    if (r.failed()) return;
  }
}

// `priority` and `min_priority`: one meaning for every service, written as
// a word or as one of ntfy's numbers, quoted or not.
std::optional<PriorityReading> read_priority_value(Reader& r, const toml::node& n,
                                                   const std::string& ctx) {
  std::string written;
  if (n.is_integer()) written = std::to_string(*n.value<std::int64_t>());
  else if (n.is_string()) written = *n.value<std::string>();
  else {
    r.fail(n.source(), ctx + " must be a level such as \"high\" or a number 1 to 5, not " +
                           type_name(n));
    return std::nullopt;
  }
  const auto reading = read_priority(written);
  if (!reading)
    r.fail(n.source(), ctx + " must be " + std::string(kPriorityWords) + ", not " +
                           (n.is_string() ? "\"" + written + "\"" : written));
  return reading;
}

const ServiceSchema* parse_type(Reader& r, const toml::node& n, const std::string& ctx,
                               const Catalog& catalog) {
  auto s = r.string(n, ctx + ": 'type'");
  if (!s) return nullptr;
  if (const auto* schema = catalog.find(*s)) return schema;
  if (*s == "line-notify" || *s == "line_notify" || *s == "linenotify") {
    r.fail(n.source(), ctx + ": type \"" + *s +
                           "\": LINE Notify was shut down on 2025-03-31; use "
                           "type = \"line\" (Messaging API) with a channel access "
                           "token and a 'to' user/group id");
    return nullptr;
  }
  std::vector<std::string_view> types;
  for (const auto* schema : catalog.services) types.push_back(schema->type);
  const auto best = closest(*s, types);
  r.fail(n.source(), ctx + ": unknown type \"" + *s + "\"" +
                         (best.empty() ? "" : " (did you mean \"" + best + "\"?)") +
                         "; expected " + catalog.type_list());
  return nullptr;
}

std::string trimmed_url(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// One of the service's own keys, by its declaration.
void read_setting(Reader& r, const ServiceSchema& schema, const KeySpec& spec,
                  const toml::node& node, const std::string& field, Profile& p) {
  const std::string name(spec.stored_as.empty() ? spec.name : spec.stored_as);
  auto checked = [&](const std::string& v) {
    if (auto problem = value_problem(schema, spec, v); !problem.empty()) {
      r.fail(node.source(), field + " " + problem);
      return false;
    }
    return true;
  };
  switch (spec.type) {
    case KeyType::text:
      if (auto v = r.string(node, field); v && checked(*v)) p.settings[name] = *v;
      break;
    case KeyType::url:
      if (auto v = r.string(node, field); v && checked(*v)) p.settings[name] = trimmed_url(*v);
      break;
    case KeyType::id:
      if (node.is_integer()) {
        const auto v = std::to_string(*node.value<std::int64_t>());
        if (checked(v)) p.settings[name] = v;
      } else if (auto v = r.string(node, field); v && checked(*v)) {
        p.settings[name] = *v;
      }
      break;
    case KeyType::integer:
      if (auto v = r.integer(node, field, spec.min, spec.max))
        p.settings[name] = *v;
      break;
    case KeyType::flag:
      if (auto v = r.boolean(node, field)) p.settings[name] = *v;
      break;
    case KeyType::table:
      break;  // read_profile reads tables itself
    case KeyType::list:
      if (auto v = r.string_list(node, field)) {
        if (v->empty() && spec.required) {
          r.fail(node.source(), field + " must name at least one");
          return;
        }
        for (const auto& e : *v)
          if (!checked(e)) return;
        p.settings[name] = *v;
      }
      break;
  }
}

void read_profile(Reader& r, const std::string& name, const toml::table& t,
                  const Defaults& d, const Catalog& catalog, Profile& p) {
  const std::string ctx = "profile '" + name + "'";
  p.name = name;
  p.where = where(r.path(), t.source());
  p.timeout_s = d.timeout_s;
  p.retries = d.retries;
  p.max_parts = d.max_parts;
  p.silent = d.silent;
  p.code = d.code;

  const toml::node* type_node = t.get("type");
  if (!type_node) {
    r.fail(t.source(), ctx + ": missing required key 'type' (" + catalog.type_list() + ")");
    return;
  }
  const ServiceSchema* schema = parse_type(r, *type_node, ctx, catalog);
  if (!schema) return;
  p.type = std::string(schema->type);

  std::vector<std::string> names;  // owns the _file spellings
  for (const auto& k : schema->keys)
    if (k.secret && k.type != KeyType::table) names.push_back(std::string(k.name) + "_file");
  std::vector<std::string_view> known;
  for (const auto& k : common_keys()) known.push_back(k.name);
  for (const auto& k : schema->keys) known.push_back(k.name);
  for (const auto& n : names) known.push_back(n);

  auto field = [&](std::string_view k) { return ctx + ": '" + std::string(k) + "'"; };
  auto secret = [&](const KeySpec& spec, std::string_view k, const toml::node& n,
                    bool is_file) {
    auto s = r.string(n, field(k));
    if (!s) return;
    for (const auto& src : p.secret_sources) {
      if (src.field == spec.name) {
        r.fail(n.source(), ctx + ": both '" + src.key + "' and '" + std::string(k) +
                               "' are set; keep one");
        return;
      }
    }
    if (s->empty()) {
      r.fail(n.source(), field(k) + " is empty");
      return;
    }
    // A value written out is checked now; one from ${VAR} or a file when it
    // is resolved (resolve_secrets), naming the same field.
    if (!is_file && s->find("${") == std::string::npos) {
      if (auto problem = value_problem(*schema, spec, *s); !problem.empty()) {
        r.fail(n.source(), field(k) + " " + problem);
        return;
      }
    }
    p.secret_sources.push_back(SecretSource{std::string(spec.name), std::string(k), *s,
                                            is_file, where(r.path(), n.source()),
                                            spec.type == KeyType::url, spec.check, schema,
                                            &spec});
  };

  // A table key: NAME = "value" entries, each name by the key's check,
  // each value one line; secret values become sources of "KEY.NAME".
  auto read_table = [&](const KeySpec& spec, const std::string& k, const toml::node& n) {
    const auto* table = n.as_table();
    if (!table) {
      r.fail(n.source(), field(k) + " must be a table of NAME = \"value\", not " + type_name(n));
      return;
    }
    std::vector<std::string> entries;
    for (auto&& [entry_key, entry] : *table) {
      const std::string entry_name(entry_key.str());
      const std::string entry_field = field(k + "." + entry_name);
      if (spec.check)
        if (auto problem = spec.check(entry_name); !problem.empty()) {
          r.fail(entry_key.source(), entry_field + ": the name " + problem);
          return;
        }
      auto v = r.string(entry, entry_field);
      if (!v) return;
      if (v->empty() && spec.secret) {
        r.fail(entry.source(), entry_field + " is empty");
        return;
      }
      // ${VAR} is checked when it is resolved (resolve_secrets).
      if (v->find("${") == std::string::npos || !spec.secret)
        if (auto problem = value_problem(*schema, spec, *v); !problem.empty()) {
          r.fail(entry.source(), entry_field + " " + problem);
          return;
        }
      const std::string stored = std::string(spec.name) + "." + entry_name;
      if (spec.secret)
        p.secret_sources.push_back(SecretSource{stored, k + "." + entry_name, *v, false,
                                                where(r.path(), entry.source()), false,
                                                nullptr, schema, &spec});
      else
        p.settings[stored] = *v;
      entries.push_back(entry_name);
    }
    p.settings[std::string(spec.name)] = entries;
  };

  for (auto&& [key, node] : t) {
    const std::string k(key.str());
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      r.fail(key.source(), ctx + ": unknown key '" + k + "' for type " + p.type +
                               suggestion(k, known));
      return;
    }
    if (k == "type") continue;
    const bool is_file = k.size() > 5 && k.compare(k.size() - 5, 5, "_file") == 0 &&
                         !schema->key(k);
    if (const KeySpec* spec = schema->key(is_file ? k.substr(0, k.size() - 5) : k)) {
      if (spec->type == KeyType::table && !is_file) read_table(*spec, k, node);
      else if (spec->secret) secret(*spec, k, node, is_file);
      else read_setting(r, *schema, *spec, node, field(k), p);
    } else if (k == "silent") {
      if (auto v = r.boolean(node, field(k))) p.silent = *v;
    } else if (k == "priority" || k == "min_priority" || k == "quiet_below") {
      const auto reading = read_priority_value(r, node, field(k));
      if (!reading) return;
      if (k == "priority") {
        p.priority = reading->level;
        p.priority_lowest = reading->lowest;
      } else if (k == "min_priority") {
        p.min_priority = reading->level;
      } else {
        p.quiet_below = reading->level;
      }
    } else if (k == "quiet_hours") {
      if (auto v = r.string(node, field(k))) {
        std::string problem;
        p.quiet_hours = parse_daily_window(*v, &problem);
        if (!p.quiet_hours) {
          r.fail(node.source(), field(k) + " " + problem);
          return;
        }
      }
    } else if (k == "notice_only") {
      if (auto v = r.boolean(node, field(k))) p.notice_only = *v;
    } else if (k == "urgent_mentions") {
      if (auto v = r.string_list(node, field(k))) p.urgent_mentions = *v;
    } else if (k == "code") {
      if (auto v = r.boolean(node, field(k))) p.code = *v;
    } else if (k == "spool") {
      if (auto v = r.boolean(node, field(k))) p.spool = *v;
    } else if (k == "cooldown") {
      if (auto v = r.string(node, field(k))) {
        const auto seconds = parse_duration(*v);
        if (!seconds) {
          r.fail(node.source(), field(k) + ": " + seconds.error().message);
          return;
        }
        p.cooldown_s = *seconds;
      }
    } else if (k == "code_lang") {
      if (auto v = r.string(node, field(k))) {
        if (!message::is_code_lang(*v)) {
          r.fail(node.source(), field(k) + " must be one word of letters, digits and "
                                           "_ + . # - (e.g. \"sh\")");
          return;
        }
        p.code_lang = *v;
      }
    } else if (k == "timeout") {
      if (auto v = r.integer(node, field(k), kTimeoutSeconds.min, kTimeoutSeconds.max)) p.timeout_s = int(*v);
    } else if (k == "retries") {
      if (auto v = r.integer(node, field(k), kRetries.min, kRetries.max)) p.retries = int(*v);
    } else if (k == "max_parts") {
      if (auto v = r.integer(node, field(k), kMaxParts.min, kMaxParts.max)) p.max_parts = int(*v);
    } else if (k == "max_length") {
      if (schema->max_limit == 0) {
        r.fail(node.source(), field(k) + ": " + p.type + " sends a message whole, unsplit");
        return;
      }
      if (auto v = r.integer(node, field(k), 64, std::int64_t(schema->max_limit)))
        p.max_length = std::size_t(*v);
    } else if (k == "fallback") {
      if (auto v = r.string_list(node, field(k))) p.fallback = *v;
    } else if (k == "ca_file") {
      if (auto v = r.string(node, field(k))) p.ca_file = *v;
    }
    if (r.failed()) return;
  }

  for (const auto& spec : schema->keys) {
    if (r.failed()) return;
    const std::string key(spec.name);
    if (spec.type == KeyType::table) {
      if (spec.required && !p.settings.count(key))
        r.fail(t.source(), ctx + ": missing required key '" + key + "'");
    } else if (spec.secret) {
      const bool has = std::any_of(p.secret_sources.begin(), p.secret_sources.end(),
                                   [&](const SecretSource& s) { return s.field == key; });
      if (!has && spec.required)
        r.fail(t.source(), ctx + ": missing required key '" + key + "' (or '" + key + "_file')");
    } else if (!p.settings.count(spec.stored_as.empty() ? key : std::string(spec.stored_as))) {
      if (spec.required) r.fail(t.source(), ctx + ": missing required key '" + key + "'");
      else if (!spec.fallback.empty()) p.settings[key] = std::string(spec.fallback);
    }
  }
  for (const auto& s : p.secret_sources)
    if (!s.is_file && s.value.find("${") == std::string::npos) p.literal_secret = true;
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& path,
                            const Catalog& catalog) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    // In notify's words: the parser's own message only tells which mistake.
    const auto said = explain_syntax_error(text, e.description(), e.source().begin.line,
                                           e.source().begin.column);
    return make_error(ErrorKind::config, path + ":" + std::to_string(said.line) + ":" +
                                             std::to_string(said.column) + ": " + said.what);
  }
  Config cfg;
  cfg.path = path;
  cfg.catalog = &catalog;
  Reader r(path);
  static const std::vector<std::string_view> top = {"defaults", "profiles", "groups"};

  // [defaults] first: profiles inherit from it wherever it appears.
  if (const auto* d = root.get("defaults")) {
    if (const auto* t = d->as_table()) read_defaults(r, *t, cfg.defaults);
    else r.fail(d->source(), "'defaults' must be a table");
  }
  for (auto&& [key, node] : root) {
    if (r.failed()) break;
    auto k = key.str();
    if (std::find(top.begin(), top.end(), k) == top.end()) {
      r.fail(key.source(), "unknown top-level key '" + std::string(k) + "'" +
                               suggestion(k, top) +
                               "; profiles go under [profiles.NAME]");
    }
  }
  if (const auto* ps = root.get("profiles"); ps && !r.failed()) {
    const auto* t = ps->as_table();
    if (!t) r.fail(ps->source(), "'profiles' must be a table of [profiles.NAME]");
    for (auto it = t ? t->begin() : toml::table::const_iterator{};
         t && it != t->end() && !r.failed(); ++it) {
      const std::string name(it->first.str());
      if (!valid_name(name)) {
        r.fail(it->first.source(), "profile name '" + name + "': " + kNameRule);
        break;
      }
      const auto* pt = it->second.as_table();
      if (!pt) {
        r.fail(it->second.source(), "profile '" + name + "' must be a table");
        break;
      }
      Profile p;
      read_profile(r, name, *pt, cfg.defaults, catalog, p);
      cfg.has_literal_secret = cfg.has_literal_secret || p.literal_secret;
      cfg.profiles.emplace(name, std::move(p));
    }
  }
  if (const auto* gs = root.get("groups"); gs && !r.failed()) {
    const auto* t = gs->as_table();
    if (!t) r.fail(gs->source(), "'groups' must be a table of NAME = [profiles]");
    for (auto it = t ? t->begin() : toml::table::const_iterator{};
         t && it != t->end() && !r.failed(); ++it) {
      const std::string name(it->first.str());
      const std::string ctx = "group '" + name + "'";
      if (!valid_name(name)) {
        r.fail(it->first.source(), ctx + ": " + kNameRule);
        break;
      }
      if (cfg.profiles.count(name)) {
        r.fail(it->first.source(), ctx + " has the same name as a profile");
        break;
      }
      const auto* arr = it->second.as_array();
      if (!arr || arr->empty()) {
        r.fail(it->second.source(), ctx + " must be a non-empty array of profile names");
        break;
      }
      std::vector<std::string> members;
      for (const auto& e : *arr) {
        auto s = r.string(e, ctx + " member");
        if (!s) break;
        if (!cfg.profiles.count(*s)) {
          r.fail(e.source(), ctx + ": unknown profile '" + *s + "'");
          break;
        }
        members.push_back(*s);
      }
      cfg.groups.emplace(name, std::move(members));
    }
  }
  // Fallbacks are checked once every profile is known, wherever it is declared.
  if (!r.failed()) {
    for (const auto& [name, p] : cfg.profiles) {
      for (const auto& f : p.fallback) {
        if (!cfg.profiles.count(f)) {
          const auto* node = root.at_path("profiles." + name + ".fallback").node();
          r.fail(node ? node->source() : root.source(),
                 "profile '" + name + "': 'fallback' names unknown profile '" + f + "'");
          break;
        }
      }
      if (r.failed()) break;
    }
  }
  if (r.failed()) return r.take_error();
  return cfg;
}

Result<std::string> expand_vars(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "${") == 0) {
      auto end = text.find('}', i + 2);
      if (end == std::string_view::npos)
        return make_error(ErrorKind::config, "unterminated '${' in value");
      std::string name(text.substr(i + 2, end - i - 2));
      if (name.empty()) return make_error(ErrorKind::config, "empty '${}' in value");
      auto v = env(name);
      if (!v) return make_error(ErrorKind::config,
                                "environment variable '" + name + "' is not set");
      out += *v;
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

Result<void> resolve_secrets(Profile& p, const EnvLookup& env,
                             const FileReader& read_file) {
  if (p.secrets_resolved) return {};
  for (const auto& src : p.secret_sources) {
    const std::string ctx = src.where + ": profile '" + p.name + "': '" + src.key + "': ";
    auto expanded = expand_vars(src.value, env);
    if (!expanded) return make_error(ErrorKind::config, ctx + expanded.error().message);
    std::string value = *expanded;
    if (src.is_file) {
      auto content = read_file(value);
      if (!content)
        return make_error(ErrorKind::config, ctx + "cannot read secret file '" + value +
                                                 "': " + content.error().message);
      value = *content;
      // Files written by editors and `echo` end in a newline; it is never
      // part of a token or URL.
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r' ||
                                value.back() == ' ' || value.back() == '\t'))
        value.pop_back();
      if (value.empty())
        return make_error(ErrorKind::config, ctx + "secret file '" + *expanded +
                                                 "' is empty");
    } else if (value.empty()) {
      return make_error(ErrorKind::config, ctx + "expands to an empty value");
    }
    if (value.find_first_of("\r\n") != std::string::npos)
      return make_error(ErrorKind::config, ctx + "holds a line break");
    // libcurl and the headers end a C string at a NUL: the secret sent
    // would silently be shorter than the one written.
    if (value.find('\0') != std::string::npos)
      return make_error(ErrorKind::config, ctx + "holds a NUL character");
    if (src.service && src.spec) {
      if (auto problem = value_problem(*src.service, *src.spec, value); !problem.empty())
        return make_error(ErrorKind::config, ctx + problem);
    } else if (src.url) {
      if (auto problem = url_problem(value))
        return make_error(ErrorKind::config, ctx + "is not a valid http(s) URL: it " + *problem);
    }
    if (!src.spec && src.check) {
      if (auto problem = src.check(value); !problem.empty())
        return make_error(ErrorKind::config, ctx + problem);
    }
    p.secrets[src.field] = value;
  }
  p.secrets_resolved = true;
  return {};
}

namespace {

// One line however many profiles there are: the nearest name, or a few.
std::string unknown_target(const Config& config, const std::string& name, bool first) {
  std::vector<std::string_view> names;
  for (const auto& [n, p] : config.profiles) names.push_back(n);
  for (const auto& [n, g] : config.groups) names.push_back(n);
  std::string text = "unknown profile or group '" + name + "'" +
                     (config.path.empty() ? "" : " in " + config.path);
  if (auto best = closest(name, names); !best.empty())
    return text + " (did you mean '" + best + "'?)";
  // Only a first word could have been meant as a command (`notify lsit`).
  if (first) {
    const auto commands = config.catalog
                              ? config.catalog->command_words()
                              : std::vector<std::string_view>(std::begin(kCommandNames),
                                                              std::end(kCommandNames));
    if (auto best = closest(name, commands); !best.empty())
      return text + " (did you mean the command '" + best + "'?)";
  }
  if (names.empty()) return text + " (no profiles defined)";
  constexpr std::size_t kShown = 5;
  std::string known;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i)
    known += (i ? ", " : "") + std::string(names[i]);
  if (names.size() > kShown)
    known += ", ... (" + std::to_string(names.size()) + " in all; notify list shows them)";
  return text + "; known: " + known;
}

}  // namespace

Result<std::vector<std::string>> expand_targets(const Config& config,
                                                std::string_view targets) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& n) {
    if (seen.insert(n).second) out.push_back(n);
  };
  std::size_t start = 0;
  bool first = true;
  while (start <= targets.size()) {
    auto comma = targets.find(',', start);
    if (comma == std::string_view::npos) comma = targets.size();
    std::string name(targets.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    if (config.profiles.count(name)) {
      add(name);
    } else if (auto g = config.groups.find(name); g != config.groups.end()) {
      for (const auto& m : g->second) add(m);
    } else {
      return make_error(ErrorKind::usage, unknown_target(config, name, first));
    }
    first = false;
  }
  if (out.empty()) return make_error(ErrorKind::usage, "no target given");
  return out;
}

}  // namespace notify::config
