#include "app/setup.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "app/catalog.hpp"
#include "app/profile_file.hpp"
#include "config/writer.hpp"
#include "core/files.hpp"
#include "core/mask.hpp"
#include "core/names.hpp"
#include "core/url.hpp"
#include "services/registry.hpp"

namespace notify::app {

namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// A word like a key or token: long, one piece, letters and digits mixed.
bool key_like(std::string_view s) {
  if (s.size() < 20) return false;
  bool digit = false, letter = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') return false;
    digit = digit || (c >= '0' && c <= '9');
    letter = letter || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  return digit && letter;
}

config::Field field_of(const config::KeySpec& key, const std::string& value) {
  return {std::string(key.name), value, key.type != config::KeyType::integer};
}

// The file a symlinked profile file points to: replacing the link by a
// regular file would cut it from where the user keeps it (a dotfiles repo).
std::string through_links(std::string path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (int hops = 0; hops < 40 && fs::is_symlink(path, ec); ++hops) {
    auto to = fs::read_symlink(path, ec);
    if (ec) break;
    path = to.is_absolute() ? to.string() : (fs::path(path).parent_path() / to).string();
  }
  return path;
}

}  // namespace

const config::ServiceDoc* service_named(std::string_view name) { return catalog().named(name); }

std::string service_names() {
  std::string out = catalog().type_list(",");
  std::string aliases;
  for (const auto& doc : catalog().docs)
    for (auto a : doc.aliases) aliases += (aliases.empty() ? "" : ", ") + std::string(a);
  return out + (aliases.empty() ? "" : " (or " + aliases + ")");
}

std::string profile_name_problem(const std::string& name) {
  if (!valid_name(name)) return std::string(kNameRule);
  if (catalog().is_command_word(name))
    return "'" + name + "' is a command, so `notify " + name +
           " ...` would never reach the profile; pick another name";
  return "";
}

std::vector<const config::KeySpec*> setup_keys(const config::ServiceSchema& service) {
  std::vector<const config::KeySpec*> out;
  for (const auto& k : service.keys)
    if (!k.prompt.empty()) out.push_back(&k);
  return out;
}

bool looks_like_secret(const config::KeySpec& key, std::string_view text,
                       const std::vector<std::string>& secrets) {
  for (const auto& s : secrets)
    if (s.size() >= 6 && contains(text, s)) return true;
  if (contains(text, "://")) {
    if (url_problem(text)) return false;
    for (auto shape : services::all_url_shapes())
      if (fits_shapes(text, {shape})) return true;
    return false;
  }
  // What the question itself takes is no stranger here (a LINE id, a topic).
  return key_like(text) && !(key.check && key.check(text).empty());
}

std::string answer_problem(const config::ServiceSchema& service, const config::KeySpec& key,
                           std::string_view answer, const std::vector<std::string>& secrets) {
  if (!key.secret && looks_like_secret(key, answer, secrets))
    return "looks like a secret (a webhook URL or a token): not shown, not kept here";
  return config::value_problem(service, key, answer);
}

std::string suspect_key(std::string_view type, const Outcome& outcome) {
  const auto* service = services::find_service(type);
  return service ? services::suspect_key(*service, outcome.http_status, outcome.error) : "";
}

Result<SetupTest> test_profile(const std::string& text, const std::string& path,
                               const std::string& name, const std::string& hostname,
                               std::optional<int> retries, World& world) {
  auto cfg = parse_profile_file(text, path);
  if (!cfg) return cfg.error();
  SetupTest test{std::move(*cfg), {}, {}, {}};
  auto sent = test.config;
  auto& profile = sent.profiles.at(name);
  profile.fallback.clear();
  profile.min_priority = Priority::low;
  test.draft.title = "notify test";
  test.draft.body = "Test message from notify setup on " + hostname + ".";
  SendOptions so;
  so.journal = false;
  so.overrides.retries = retries;
  test.result = send(sent, {name}, test.draft, so, world);
  if (!test.result.outcomes.empty()) test.outcome = test.result.outcomes.front();
  return test;
}

Result<void> write_profile_file(const std::string& path, const std::string& text) {
  return write_file_atomically(through_links(path), text);
}

Result<std::string> updated_file(std::string_view text, const ProfileAnswers& answers,
                                 const config::Profile* existing, bool replace) {
  const auto& service = *answers.service->schema;
  const std::string type(service.type);
  const auto keys = setup_keys(service);
  auto value = [&](const config::KeySpec& k) {
    const auto it = answers.values.find(std::string(k.name));
    return it == answers.values.end() ? std::string() : it->second;
  };
  if (!existing || replace) {
    std::vector<config::Field> fields = {{"type", type, true}};
    for (const auto* k : keys) {
      const auto v = value(*k);
      if (!v.empty() && v != k->fallback) fields.push_back(field_of(*k, v));
    }
    if (answers.priority) fields.push_back(*answers.priority);
    return config::add_profile(text, answers.name, config::render_profile(answers.name, fields),
                               replace);
  }
  std::vector<config::Field> set;
  std::vector<std::string> remove;
  if (existing->type != type) {
    set.push_back({"type", type, true});
    if (const auto* old = services::find_service(existing->type))
      for (const auto& k : old->schema.keys) {
        if (service.key(k.name)) continue;
        remove.emplace_back(k.name);
        if (k.secret) remove.push_back(std::string(k.name) + "_file");
      }
  }
  for (const auto* k : keys) {
    const std::string name(k->name);
    if (answers.kept.count(name)) continue;
    const auto v = value(*k);
    if (v.empty() || v == k->fallback) {
      remove.push_back(name);
    } else {
      set.push_back(field_of(*k, v));
    }
    if (k->secret) remove.push_back(name + "_file");
  }
  if (answers.priority) set.push_back(*answers.priority);
  return config::edit_profile(text, answers.name, set, remove);
}

std::optional<config::Field> priority_field(const std::string& given) {
  if (!read_priority(given)) return std::nullopt;
  std::string v = given;
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t") + 1);
  const bool number = v.size() == 1 && v[0] >= '1' && v[0] <= '5';
  return config::Field{"priority", v, !number};
}

std::map<std::string, std::string> current_values(const config::Profile& profile) {
  std::map<std::string, std::string> out;
  const auto* service = services::find_service(profile.type);
  if (!service) return out;
  for (const auto* k : setup_keys(service->schema)) {
    const std::string name(k->name);
    if (k->secret) {
      for (const auto& src : profile.secret_sources)
        if (src.field == name) out[name] = src.is_file ? "file " + src.value : src.value;
      continue;
    }
    const std::string stored(k->stored_as.empty() ? k->name : k->stored_as);
    const auto it = profile.settings.find(stored);
    if (it == profile.settings.end()) continue;
    if (const auto* s = std::get_if<std::string>(&it->second)) out[name] = *s;
    else if (const auto* n = std::get_if<std::int64_t>(&it->second)) out[name] = std::to_string(*n);
    else if (const auto* b = std::get_if<bool>(&it->second)) out[name] = *b ? "true" : "false";
    else if (const auto* l = std::get_if<std::vector<std::string>>(&it->second)) {
      std::string joined;
      for (const auto& e : *l) joined += (joined.empty() ? "" : ", ") + e;
      out[name] = joined;
    }
  }
  return out;
}

}  // namespace notify::app
