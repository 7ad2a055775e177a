#include "app/setup.hpp"

#include <algorithm>
#include <cctype>

#include "config/writer.hpp"
#include "core/mask.hpp"
#include "core/url.hpp"

namespace notify::app {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

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

// The key that says where the service is: a webhook's URL, an API server.
std::string server_key(const std::vector<const config::KeySpec*>& keys) {
  for (const auto* k : keys)
    if (k->type == config::KeyType::url && (k->secret || k->address)) return std::string(k->name);
  for (const auto* k : keys)
    if (k->name.ends_with("_url")) return std::string(k->name);
  return "";
}

}  // namespace

std::vector<const config::KeySpec*> setup_keys(const services::ServiceInfo& service) {
  std::vector<const config::KeySpec*> out;
  for (const auto& k : service.schema.keys)
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

std::string answer_problem(const services::ServiceInfo& service, const config::KeySpec& key,
                           std::string_view answer, const std::vector<std::string>& secrets) {
  if (!key.secret && looks_like_secret(key, answer, secrets))
    return "looks like a secret (a webhook URL or a token): not shown, not kept here";
  return config::value_problem(service.schema, key, answer);
}

std::string suspect_key(const services::ServiceInfo& service, const delivery::Outcome& outcome) {
  const auto keys = setup_keys(service);
  const long status = outcome.http_status;
  if (status == 0) return server_key(keys);
  auto first_secret = [&] {
    for (const auto* k : keys)
      if (k->secret) return std::string(k->name);
    return std::string();
  };
  // Credentials refused, by HTTP or by SMTP (530, 535).
  if (status == 401 || status == 530 || status == 535) return first_secret();
  // A server's own trouble names no setting of ours, whatever its words.
  const bool server_trouble = status == 500 || status == 502 || status == 503 || status == 504;
  if (!server_trouble) {
    const std::string said = lower(outcome.error);
    for (const auto* k : keys) {
      const std::string name(k->name);
      if (contains(said, "'" + name + "'") || contains(said, "\"" + name + "\"")) return name;
      // "chat not found" is chat_id; "Unknown Webhook" is webhook_url.
      std::size_t from = 0;
      while (from <= name.size()) {
        const auto to = std::min(name.find('_', from), name.size());
        const auto word = name.substr(from, to - from);
        // "SMTP 550: ..." names the protocol, not smtp_url.
        if (word.size() >= 4 && word != "base" && word != "smtp" && contains(said, word))
          return name;
        from = to + 1;
      }
    }
  }
  // Not allowed, or a webhook or bot path the server does not know.
  if (status == 403 || status == 404) return first_secret();
  return "";
}

Result<std::string> updated_file(std::string_view text, const ProfileAnswers& answers,
                                 const config::Profile* existing, bool replace) {
  const auto& service = *answers.service;
  const std::string type(service.schema.type);
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
        if (service.schema.key(k.name)) continue;
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
  for (const auto* k : setup_keys(*service)) {
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
