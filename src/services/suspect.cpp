// Which key a failed test message points at: the registry's reading of a
// service's failure, so that setup never searches error text itself.

#include <algorithm>

#include "services/registry.hpp"

namespace notify::services {

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

// The key that says where the service is: a webhook's URL, an API server.
std::string server_key(const std::vector<const config::KeySpec*>& keys) {
  for (const auto* k : keys)
    if (k->type == config::KeyType::url && (k->secret || k->address)) return std::string(k->name);
  for (const auto* k : keys)
    if (k->name.ends_with("_url")) return std::string(k->name);
  return "";
}

}  // namespace

std::string suspect_key(const ServiceInfo& service, long status, std::string_view error) {
  std::vector<const config::KeySpec*> keys;  // those setup asks about
  for (const auto& k : service.schema.keys)
    if (!k.prompt.empty()) keys.push_back(&k);
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
    const std::string said = lower(error);
    for (const auto* k : keys) {
      const std::string name(k->name);
      if (contains(said, "'" + name + "'") || contains(said, "\"" + name + "\"")) return name;
      // A key's words in the service's: "chat not found" is chat_id,
      // "Unknown Webhook" webhook_url.
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

}  // namespace notify::services
