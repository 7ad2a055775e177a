#pragma once
// Every service notify can deliver to, one row each (ccache's table of
// remote storages, grown). A row is everything the rest of the program asks
// about a service: its keys (loader, setup, help), how it shows in `notify
// list`, what it can carry, and how to build its Service. Adding a service
// is its own file(s) and one row in registry.cpp.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/profile.hpp"
#include "config/schema.hpp"
#include "core/mask.hpp"
#include "services/service.hpp"

namespace notify::services {

// The words a row tells a person (config/schema.hpp holds them, so that
// the command line reads them through config::Catalog::docs).
using config::Capabilities;
using config::LevelSwitch;
using config::Loudness;
using config::MessageOptions;

/// How a service lists the chats its credentials reach (`notify <type>
/// discover`, setup's picking of a chat): the words and keys the command
/// line reads (config::Discovery), and the exchange with the server.
struct Discoverer {
  config::Discovery doc;
  /// The request that asks, `secret` and `server` being the values of the
  /// doc's secret_key and server_key. With wait_s > 0 the server may hold
  /// it that long before answering (long polling).
  HttpRequest (*request)(const std::string& secret, const std::string& server, int wait_s);
  /// Reads its reply (a transfer that got none is the caller's to say):
  /// the chats, their words printable, or why none in the user's words.
  config::Discovered (*read)(const HttpResponse& response, const std::string& server);
};

struct ServiceInfo {
  config::ServiceSchema schema;
  /// Its name in prose ("Mattermost", "LINE", "e-mail"): help and the docs
  /// name services so (tests/docs/registry_claims.sh reads them by it).
  std::string_view name;
  /// Where a message goes, for `notify list`; `secret` is the profile's
  /// secret as it may be shown (a masked URL, "***" or a ${VAR} reference).
  std::string (*destination)(const config::Profile& profile, const std::string& secret);
  std::unique_ptr<Service> (*make)(const config::Profile& profile);
  /// Why --file cannot go there; empty when the service carries files
  /// (its Service::max_file_bytes() says how large).
  std::string_view no_files{};
  /// What else it does that help should name ("markdown as entities");
  /// files, loudness and the options have fields of their own.
  std::string_view can{};
  /// How --dry-run shows one of its requests, when not as HTTP (e-mail: the
  /// envelope and the message as the recipient reads it); secrets masked.
  std::string (*preview)(const HttpRequest& request) = nullptr;
  /// Shapes of the URLs it sends to that hold a secret in their path and
  /// are no key's value (Telegram's /bot<TOKEN>/method), for masking; the
  /// shapes of its keys' URLs are in the schema (KeySpec::shapes).
  UrlShapes request_shapes{};
  Loudness loudness{};
  MessageOptions options{};
  Capabilities capabilities{};
  /// Other names a person may give it in `setup` ("mm", "e-mail"), lowercase.
  std::vector<std::string_view> aliases{};
  /// How the chats it can reach are found; nullptr when they cannot be.
  const Discoverer* discovery = nullptr;
};

/// The row's words as config::ServiceDoc (what catalog().docs holds).
config::ServiceDoc doc_of(const ServiceInfo& service);
/// capability_words(doc_of(service)).
std::vector<std::string_view> capability_words(const ServiceInfo& service);

/// Every service, in the order help and the man page list them.
const std::vector<const ServiceInfo*>& all_services();
/// The service of that `type`; nullptr when there is none.
const ServiceInfo* find_service(std::string_view type);
/// The service a person means by `name` in `setup`: its type or one of its
/// aliases, in any case, spaces around ignored; nullptr when none.
const ServiceInfo* service_named(std::string_view name);
/// The service of a loaded profile (the loader only accepts known types).
const ServiceInfo& service_of(const config::Profile& profile);
/// `notify list`'s destination for a webhook with an optional `channel`
/// key (Mattermost, Slack): the masked URL, then "#channel" or "@user".
std::string webhook_destination(const config::Profile& profile, const std::string& secret);
/// The default a service declares for one of its keys; empty when none.
std::string default_of(std::string_view type, std::string_view key);
/// Teaches `masker` a profile's secrets and every URL it holds, each with
/// the shapes its service knows for it (a relay or self-hosted server may
/// carry a secret in its path). Secrets not resolved yet count as written,
/// when written out (`list` resolves nothing); ${VAR} and *_file ones then
/// hold nothing to mask.
void add_secrets(const config::Profile& profile, Masker& masker);
/// Where a resolved profile sends to, as a short hash of its type and its
/// address keys (see config::KeySpec::address): equal while the profile
/// still names the same destination. Holds no secret in readable form.
std::string destination_identity(const config::Profile& profile);
/// The shapes the service of `profile` knows for the URL in `key`.
const UrlShapes& url_shapes(const config::Profile& profile, std::string_view key);
/// Every shape with a secret that any service declares: what a URL nobody
/// registered (a redirect's Location, a URL quoted back) is read with.
const UrlShapes& all_url_shapes();
/// Teaches `masker` all_url_shapes().
void add_url_shapes(Masker& masker);
/// The key of `service` that a failed delivery most likely got wrong, from
/// the last status (HTTP, or SMTP's reply code; 0 for none) and the
/// service's words in `error`: a key those words name ("chat not found" is
/// chat_id, "Unknown Webhook" webhook_url), else by the kind of failure (no
/// answer: the key naming the server; refused credentials: the secret).
/// Only keys setup asks about; "" when nothing points anywhere.
std::string suspect_key(const ServiceInfo& service, long status, std::string_view error);
/// What the loader needs to know of every service.
const config::Catalog& catalog();

}  // namespace notify::services
