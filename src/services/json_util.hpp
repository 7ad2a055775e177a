#pragma once
// JSON helpers shared by the services. Text is sanitised before it gets here,
// but dumping with error_handler_t::replace means a stray invalid byte can
// never turn into an exception halfway through a delivery.

#include <string>

#include <nlohmann/json.hpp>


namespace notify::services {

/// j.dump(-1, ' ', false, replace), byte for byte (the spool fingerprints
/// request bodies), with a fast path for the strings: a request carries up
/// to a whole part of text, which nlohmann escapes one byte at a time.
std::string dump_json(const nlohmann::json& j);

/// Parses a reply body; a discarded (null) value when it is not JSON.
inline nlohmann::json parse_json(const std::string& body) {
  return nlohmann::json::parse(body, nullptr, false);
}

/// A string member of a JSON object, or "" when absent or not a string.
inline std::string json_string(const nlohmann::json& j, const char* key) {
  if (j.is_object()) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

}  // namespace notify::services
