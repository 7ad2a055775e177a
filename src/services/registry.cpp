#include "services/registry.hpp"

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace notify::services {

// Each row is defined at the end of its service's own file.
const ServiceInfo& mattermost_service();
const ServiceInfo& telegram_service();
const ServiceInfo& line_service();
const ServiceInfo& discord_service();
const ServiceInfo& slack_service();
const ServiceInfo& ntfy_service();
const ServiceInfo& email_service();
const ServiceInfo& matrix_service();
const ServiceInfo& gotify_service();
const ServiceInfo& pushover_service();
const ServiceInfo& teams_service();
const ServiceInfo& googlechat_service();
const ServiceInfo& webhook_service();
const ServiceInfo& healthchecks_service();
const ServiceInfo& uptime_kuma_service();

const std::vector<const ServiceInfo*>& all_services() {
  static const std::vector<const ServiceInfo*> rows = {
      &mattermost_service(),
      &telegram_service(),
      &line_service(),
      &discord_service(),
      &slack_service(),
      &ntfy_service(),
      &email_service(),
      &matrix_service(),
      &gotify_service(),
      &pushover_service(),
      &teams_service(),
      &googlechat_service(),
      &webhook_service(),
      &healthchecks_service(),
      &uptime_kuma_service(),
  };
  return rows;
}

const ServiceInfo* find_service(std::string_view type) {
  for (const auto* s : all_services())
    if (s->schema.type == type) return s;
  return nullptr;
}

const ServiceInfo* service_named(std::string_view name) {
  const auto* doc = catalog().named(name);
  return doc ? find_service(doc->schema->type) : nullptr;
}

const ServiceInfo& service_of(const config::Profile& profile) {
  if (const auto* s = find_service(profile.type)) return *s;
  // Only a Profile built by hand can get here; the loader rejects the rest.
  throw std::invalid_argument("profile '" + profile.name + "' has unknown type '" +
                              profile.type + "'");
}

config::ServiceDoc doc_of(const ServiceInfo& s) {
  return {&s.schema,      s.name,         s.no_files, s.can,
          s.loudness,     s.options,      s.capabilities, s.aliases,
          s.discovery ? &s.discovery->doc : nullptr};
}

std::vector<std::string_view> capability_words(const ServiceInfo& s) {
  return config::capability_words(doc_of(s));
}

std::string webhook_destination(const config::Profile& p, const std::string& secret) {
  // "#town-square" and "@alice" are shown as written, not as "##".
  const auto channel = p.text("channel");
  if (channel.empty()) return secret;
  return secret + " " + (channel[0] == '#' || channel[0] == '@' ? "" : "#") + channel;
}

std::string default_of(std::string_view type, std::string_view key) {
  const auto* service = find_service(type);
  const auto* spec = service ? service->schema.key(key) : nullptr;
  return spec ? std::string(spec->fallback) : std::string();
}

const UrlShapes& url_shapes(const config::Profile& p, std::string_view key) {
  static const UrlShapes none;
  const auto* service = find_service(p.type);
  const auto* spec = service ? service->schema.key(key) : nullptr;
  return spec ? spec->shapes : none;
}

const UrlShapes& all_url_shapes() {
  static const UrlShapes shapes = [] {
    UrlShapes out;
    for (const auto* s : all_services()) {
      for (const auto& key : s->schema.keys)
        out.insert(out.end(), key.shapes.begin(), key.shapes.end());
      out.insert(out.end(), s->request_shapes.begin(), s->request_shapes.end());
    }
    // Only shapes that hide something say anything about a stranger's URL.
    std::erase_if(out, [](std::string_view shape) { return shape.find('#') == shape.npos; });
    return out;
  }();
  return shapes;
}

void add_url_shapes(Masker& masker) {
  for (auto shape : all_url_shapes()) masker.add_shape(shape);
}

void add_secrets(const config::Profile& p, Masker& masker) {
  add_url_shapes(masker);
  for (const auto& src : p.secret_sources) {
    const bool written_out = !src.is_file && src.value.find("${") == std::string::npos;
    const std::string& value =
        !p.secrets_resolved && written_out ? src.value : p.secret(src.field);
    if (value.empty()) continue;
    if (src.url) masker.add_url(value, url_shapes(p, src.field));
    else masker.add(value);
  }
  if (const auto* service = find_service(p.type))
    for (const auto& key : service->schema.keys) {
      const std::string name(key.stored_as.empty() ? key.name : key.stored_as);
      const auto text = p.text(name);
      if (key.type == config::KeyType::url || text.find("://") != std::string::npos)
        if (!text.empty()) masker.add_url(text, key.shapes);
    }
}

std::string destination_identity(const config::Profile& p) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: a changed address, not an attacker
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  mix(p.type);
  if (const auto* service = find_service(p.type))
    for (const auto& key : service->schema.keys) {
      if (!key.address) continue;
      const std::string_view name = key.stored_as.empty() ? key.name : key.stored_as;
      mix(name);
      if (key.secret) {
        mix(p.secret(name));
      } else if (const auto n = p.number(name)) {
        mix(std::to_string(*n));
      } else {
        for (const auto& v : p.list(name)) mix(v);
      }
    }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

const config::Catalog& catalog() {
  static const config::Catalog c = [] {
    config::Catalog out;
    for (const auto* s : all_services()) {
      out.services.push_back(&s->schema);
      out.docs.push_back(doc_of(*s));
    }
    return out;
  }();
  return c;
}

std::unique_ptr<Service> make_service(const config::Profile& profile) {
  return service_of(profile).make(profile);
}

std::size_t part_limit(const config::Profile& profile) {
  return profile.max_length.value_or(service_of(profile).schema.limit);
}

}  // namespace notify::services
