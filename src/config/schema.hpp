#pragma once
// What a service declares about its profile keys, in words the loader and
// `setup` both read: one rule per key, one place for each default and
// limit. The services layer fills these in (services/registry.hpp); this
// layer only reads them, so the loader stays free of any one service.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/mask.hpp"
#include "message/split.hpp"

namespace notify::config {

enum class KeyType {
  text,       ///< a string
  url,        ///< an http(s) URL; a trailing '/' is dropped
  id,         ///< a string or an integer, kept as text (chat ids)
  integer,    ///< within [min, max]
  flag,       ///< true or false
  list,       ///< a string or an array of strings
};

/// The problem with a value, in words that follow the key's name ("must be
/// ..."); empty when the value is fine.
using Check = std::string (*)(std::string_view value);

struct KeySpec {
  std::string_view name;
  KeyType type = KeyType::text;
  bool required = false;
  /// Also accepted as NAME_file; ${VAR} expanded late; never printed.
  bool secret = false;
  /// The value when the key is absent (text and url keys).
  std::string_view fallback{};
  std::int64_t min = 0, max = 0;  ///< integer range
  Check check = nullptr;          ///< text keys and resolved secrets
  /// `notify setup`'s question; empty when setup does not ask.
  std::string_view prompt{};
  /// One line for `notify help services` and the man page.
  std::string_view doc{};
  /// Kept under this shared name instead: the service's own word for a
  /// setting others spell differently (Discord's avatar_url is icon_url).
  std::string_view stored_as{};
  /// url keys (and text keys holding a URL): the shapes the service knows
  /// the URL in, for masking (core/mask.hpp). None: a bare origin; a URL
  /// with anything after its host is then shown as scheme://host/***.
  UrlShapes shapes{};
  /// Part of where a message goes (a webhook URL, a chat, a topic, the
  /// recipients): a spooled message is sent only while these are unchanged.
  bool address = false;
};

struct ServiceSchema {
  std::string_view type;   ///< the profile's `type = "..."`
  std::string_view title;  ///< "Mattermost incoming webhook"
  std::vector<KeySpec> keys;
  /// One part's default size and the most max_length may ask for, in `unit`.
  /// max_limit 0: the service never splits (e-mail), and `limit` is the
  /// most text its one message carries.
  std::size_t limit = 0;
  std::size_t max_limit = 0;
  message::Unit unit = message::Unit::code_points;

  const KeySpec* key(std::string_view name) const;
};

/// A key every profile takes, whatever its service; the loader reads these
/// itself, and help lists them from here.
struct CommonKey {
  std::string_view name;
  /// One line for `notify help services`.
  std::string_view doc;
  /// How loudly its messages arrive (PRODUCT.md "Loudness").
  bool loudness = false;
};

/// Every common key, in the order help lists them.
const std::vector<CommonKey>& common_keys();

/// Why `value` cannot be the value of `key` in a profile of `service`, in
/// words that follow the key's name ("is not ...", "must be ..."); empty
/// when it can. The one rule the loader applies to what it reads and
/// `setup` to an answer or a flag: for url keys an http(s) URL of one of the
/// key's shapes (core/mask.hpp; the error names the shapes expected), for
/// integer keys given as text a whole number in range, then the key's own
/// check. Never quotes the value, which may be a secret.
std::string value_problem(const ServiceSchema& service, const KeySpec& key,
                          std::string_view value);

/// The services the loader accepts, in the order help lists them.
struct Catalog {
  std::vector<const ServiceSchema*> services;

  const ServiceSchema* find(std::string_view type) const;
  /// "mattermost, telegram, line or discord" (last_word "," lists them all
  /// with commas)
  std::string type_list(std::string_view last_word = "or") const;
};

}  // namespace notify::config
