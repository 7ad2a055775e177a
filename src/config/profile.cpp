#include "config/profile.hpp"

namespace notify::config {

namespace {

template <typename T>
const T* setting(const Profile& p, std::string_view key) {
  const auto it = p.settings.find(key);
  return it == p.settings.end() ? nullptr : std::get_if<T>(&it->second);
}

}  // namespace

std::string Profile::text(std::string_view key) const {
  const auto* v = setting<std::string>(*this, key);
  return v ? *v : std::string();
}

std::optional<std::int64_t> Profile::number(std::string_view key) const {
  const auto* v = setting<std::int64_t>(*this, key);
  return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}

bool Profile::flag(std::string_view key, bool otherwise) const {
  const auto* v = setting<bool>(*this, key);
  return v ? *v : otherwise;
}

std::vector<std::string> Profile::list(std::string_view key) const {
  if (const auto* v = setting<std::vector<std::string>>(*this, key)) return *v;
  if (const auto* v = setting<std::string>(*this, key)) return {*v};
  return {};
}

const std::string& Profile::secret(std::string_view key) const {
  static const std::string none;
  const auto it = secrets.find(key);
  return it == secrets.end() ? none : it->second;
}

}  // namespace notify::config
