#include "app/alerts/state.hpp"

#include <type_traits>

#include <nlohmann/json.hpp>

namespace notify::app::alerts {

namespace {

using Json = nlohmann::json;

// Written first: a file that does not open with it is not ours.
constexpr const char* kFormat = "notify_alert";
constexpr int kVersion = 1;

template <typename T>
bool read(const Json& j, const char* name, T& out) {
  const auto it = j.find(name);
  if (it == j.end()) return true;  // absent: the default
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return false;
  } else {
    if (!it->is_number_integer()) return false;
  }
  out = it->get<T>();
  return true;
}

bool read(const Json& j, const char* name, std::vector<std::string>& out) {
  const auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_array()) return false;
  out.clear();
  for (const auto& id : *it) {
    if (!id.is_string()) return false;
    out.push_back(id.get<std::string>());
  }
  return true;
}

bool read(const Json& j, const char* name, std::optional<std::int64_t>& out) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_number_integer()) return false;
  out = it->get<std::int64_t>();
  return true;
}

}  // namespace

std::string encode_state(const AlertState& s) {
  Json j = Json::object();
  j[kFormat] = kVersion;
  j["key"] = s.key;
  j["profile"] = s.profile;
  if (s.last_sent) j["last_sent"] = *s.last_sent;
  if (s.held > 0) {
    j["held"] = s.held;
    j["first_held"] = s.first_held;
    j["last_held"] = s.last_held;
    j["last_held_line"] = s.last_held_line;
  }
  if (s.summary_id) j["summary_id"] = s.summary_id;
  if (s.trouble_since) {
    j["trouble_since"] = *s.trouble_since;
    j["alerts"] = s.alerts;
  }
  if (s.failures > 0) j["failures"] = s.failures;
  // New fields only when set: an earlier notify reads the file as before.
  if (!s.message_ids.empty()) j["message_ids"] = s.message_ids;
  if (!s.thread_id.empty()) j["thread_id"] = s.thread_id;
  // Replace, not throw: a key or a line is the user's text, any bytes.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::optional<AlertState> decode_state(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return AlertState{};
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto format = j.find(kFormat);
  if (format == j.end() || !format->is_number_integer() || format->get<int>() != kVersion)
    return std::nullopt;
  AlertState s;
  const bool ok = read(j, "key", s.key) && read(j, "profile", s.profile) &&
                  read(j, "last_sent", s.last_sent) && read(j, "held", s.held) &&
                  read(j, "first_held", s.first_held) && read(j, "last_held", s.last_held) &&
                  read(j, "last_held_line", s.last_held_line) &&
                  read(j, "trouble_since", s.trouble_since) && read(j, "alerts", s.alerts) &&
                  read(j, "failures", s.failures) && read(j, "summary_id", s.summary_id) &&
                  read(j, "message_ids", s.message_ids) && read(j, "thread_id", s.thread_id);
  if (!ok || s.held < 0 || s.alerts < 0 || s.failures < 0) return std::nullopt;
  return s;
}

}  // namespace notify::app::alerts
