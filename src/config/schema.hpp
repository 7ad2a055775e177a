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

#include "config/discovery.hpp"
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
  /// A TOML table of name = string (the webhook's `headers`). Kept as the
  /// list of its names under the key, each value under "KEY.NAME": a secret
  /// source when the key is secret (${VAR} allowed, masked), else a text
  /// setting. `check` rules each name; a value with a control character
  /// (CR, LF: header injection) is refused at load.
  table,
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

/// The range of a whole-number setting: one place for each, read by the
/// loader ([defaults] and profiles), the command line's options and help.
struct Range {
  std::int64_t min;
  std::int64_t max;
};
inline constexpr Range kTimeoutSeconds{1, 3600};  ///< timeout, --timeout
inline constexpr Range kRetries{0, 100};          ///< retries, --retries
inline constexpr Range kMaxParts{1, 1000};        ///< max_parts, --max-parts
inline constexpr Range kStreamSeconds{1, 3600};   ///< --stream=SECONDS

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

/// A key's check (KeySpec::check) for a URL notify adds a path to (an API
/// server, a homeserver): no ?query, which would end up before that path.
std::string base_url_check(std::string_view value);

/// Why `value` cannot be the value of `key` in a profile of `service`, in
/// words that follow the key's name ("is not ...", "must be ..."); empty
/// when it can. The one rule the loader applies to what it reads and
/// `setup` to an answer or a flag: for url keys an http(s) URL of one of the
/// key's shapes (core/mask.hpp; the error names the shapes expected), for
/// integer keys given as text a whole number in range, then the key's own
/// check. Never quotes the value, which may be a secret.
std::string value_problem(const ServiceSchema& service, const KeySpec& key,
                          std::string_view value);

/// What build() sets for one level of --priority (PRODUCT.md "Loudness"): a
/// field (JSON key, header, flag) and its value. No field: the service has no
/// switch for that level, which then goes as normal. tests/services'
/// registry_test builds every level of every row and holds it to this.
struct LevelSwitch {
  std::string_view field{};
  std::string_view value{};
};

/// How each level reaches the service: `notify help priority` and the man
/// page's Loudness table print it (normal is the service's usual delivery).
struct Loudness {
  LevelSwitch low{}, high{}, urgent{};
  /// The profile's urgent_mentions notify there; elsewhere they are text.
  bool mentions_notify = false;
  /// One more thing to know about its switches; empty for none.
  std::string_view note{};
};

/// What the per-message options do at this service, in a few words;
/// empty where it ignores the option.
struct MessageOptions {
  std::string_view username{};
  std::string_view icon{};
  std::string_view channel{};
};

/// What a service can do that is no key, option or level. Room for PRODUCT.md
/// "A status that updates itself": a service that learns --edit or --reply
/// says so here, and help and the docs tests follow.
struct Capabilities {
  bool edit = false;
  bool reply = false;
  /// A dead-man switch, not a chat (PRODUCT.md "Heartbeats"): a plain send
  /// pings success, --fail failure, and `notify run` its end whatever --on
  /// says, with no alert key holding a ping back.
  bool heartbeat = false;
  /// `notify run` also pings when the command starts, before its end.
  bool heartbeat_start = false;
};

/// What a person is told about a service, beside its keys: the words of its
/// registry row (services/registry.hpp) that help, setup and the docs read,
/// in this layer so that the command line can read them without the
/// services themselves.
struct ServiceDoc {
  const ServiceSchema* schema = nullptr;
  /// Its name in prose ("Mattermost", "LINE", "e-mail").
  std::string_view name;
  /// Why --file cannot go there; empty when the service carries files.
  std::string_view no_files;
  /// What else it does that help should name ("markdown as entities").
  std::string_view can;
  Loudness loudness;
  MessageOptions options;
  Capabilities capabilities;
  /// Other names a person may give it in `setup` ("mm", "e-mail"), lowercase.
  std::vector<std::string_view> aliases;
  /// How the chats it can reach are found; nullptr when they cannot be.
  const Discovery* discovery = nullptr;
};

/// What a service can do, in the words `notify help services --json` and
/// the docs tests use: "files", "silent" (a low switch), "louder" (a high or
/// urgent one), "mentions", "username", "icon", "channel", "edit", "reply", "heartbeat".
std::vector<std::string_view> capability_words(const ServiceDoc& service);

/// The services the loader accepts, in the order help lists them.
struct Catalog {
  std::vector<const ServiceSchema*> services;
  /// The same services, as help and setup describe them.
  std::vector<ServiceDoc> docs;

  const ServiceSchema* find(std::string_view type) const;
  /// The service of that type; nullptr when none.
  const ServiceDoc* doc(std::string_view type) const;
  /// The service a person means by `name` in `setup`: its type or one of its
  /// aliases, in any case, spaces around ignored; nullptr when none.
  const ServiceDoc* named(std::string_view name) const;
  /// "mattermost, telegram, line or discord" (last_word "," lists them all
  /// with commas)
  std::string type_list(std::string_view last_word = "or") const;
  /// The services whose chats can be listed (a discovery), in order. Each
  /// one's type is a command word: `notify <type> discover`.
  std::vector<const ServiceDoc*> discoverable() const;
  /// Every word that selects a command as notify's first word: core's fixed
  /// commands (kCommandNames), then each discoverable service's type. A
  /// profile or group named so is never reached by `notify NAME ...`.
  std::vector<std::string_view> command_words() const;
  bool is_command_word(std::string_view word) const;
};

}  // namespace notify::config
