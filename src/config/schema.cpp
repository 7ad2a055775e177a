#include "config/schema.hpp"

namespace notify::config {

const KeySpec* ServiceSchema::key(std::string_view name) const {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

const ServiceSchema* Catalog::find(std::string_view type) const {
  for (const auto* s : services)
    if (s->type == type) return s;
  return nullptr;
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
