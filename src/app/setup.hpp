#pragma once
// The decisions of `notify setup`, apart from any terminal: which questions
// a service asks, whether an answer can be kept, the test message and which
// question its failure points at, the profile file's new text and writing
// it. The CLI asks and prints.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/send.hpp"
#include "app/world.hpp"
#include "config/profile.hpp"
#include "config/schema.hpp"
#include "config/writer.hpp"
#include "core/outcome.hpp"
#include "core/result.hpp"
#include "message/draft.hpp"

namespace notify::app {

/// The service a person means by `name` (its type or an alias, any case);
/// nullptr when none.
const config::ServiceDoc* service_named(std::string_view name);

/// Every name setup takes for a service: the types, then the aliases
/// ("mattermost,line,... (or mm, mail, ...)").
std::string service_names();

/// Why `name` cannot name a profile ("" when it can): not a valid name, or
/// a command's, so that `notify NAME ...` would never reach it.
std::string profile_name_problem(const std::string& name);

/// The keys `setup` asks about for a service, in the order its row lists them.
std::vector<const config::KeySpec*> setup_keys(const config::ServiceSchema& service);

/// True when `text` is one of `secrets` (or holds one), or has the shape of a
/// secret: a URL of a shape some service keeps a secret in (a webhook), or
/// a long word of letters and digits mixed that `key`'s own check does not
/// take. What a person pasted into the wrong question looks like.
bool looks_like_secret(const config::KeySpec& key, std::string_view text,
                       const std::vector<std::string>& secrets);

/// Why `answer` cannot be `key`'s value ("" when it can), in words that
/// follow a subject ("is not ...", "must be ..."): the loader's rule (config::value_problem) and, for
/// a question that is no secret, looks_like_secret. Never quotes the answer.
std::string answer_problem(const config::ServiceSchema& service, const config::KeySpec& key,
                           std::string_view answer, const std::vector<std::string>& secrets);

/// The key whose answer a failed test message to a profile of `type` most
/// likely got wrong, as the service reads its own failure (see
/// services::suspect_key). Empty when nothing points anywhere.
std::string suspect_key(std::string_view type, const Outcome& outcome);

/// A test message through one profile of the profile file `text` (not yet
/// written) at `path`: only this profile (no fallback, whatever its
/// min_priority), nothing journalled; retries as `retries` says (nullopt:
/// the profile's).
struct SetupTest {
  config::Config config;  ///< the file as the test read it
  Draft draft;
  SendResult result;
  Outcome outcome;  ///< the profile's; delivered or not
};
Result<SetupTest> test_profile(const std::string& text, const std::string& path,
                               const std::string& name, const std::string& hostname,
                               std::optional<int> retries, World& world);

/// Writes the profile file: atomically, mode 0600, and through symbolic
/// links, so that a profile file kept elsewhere (a dotfiles repository)
/// stays where it is.
Result<void> write_profile_file(const std::string& path, const std::string& text);

/// A profile as `setup` means to write it.
struct ProfileAnswers {
  std::string name;
  const config::ServiceDoc* service = nullptr;
  /// The answer for each key setup_keys() names; "" for none.
  std::map<std::string, std::string> values;
  /// Keys whose answer is what the file holds already (Enter on the
  /// current value): never rewritten, so their bytes stay.
  std::set<std::string> kept;
  /// `--priority`, a key every profile has, as the file will hold it.
  std::optional<config::Field> priority;
};

/// `--priority` as the profile will hold it: a number stays a number (ntfy's
/// 1 must stay 1), a word is written in lower case; nullopt when it is not
/// one of the words and numbers a priority takes.
std::optional<config::Field> priority_field(const std::string& given);

/// The profile file's text with the profile written. A new profile is
/// appended after a blank line with the keys that have an answer other than
/// their default. An existing one (`existing`) is changed in place: only
/// the keys not kept, a key answered empty (or with its default) loses its
/// line, a new spelling takes the place of the old (token for token_file),
/// and after a change of service the keys the new one does not know go.
/// With `replace` the old table is rewritten anew where it stands.
Result<std::string> updated_file(std::string_view text, const ProfileAnswers& answers,
                                 const config::Profile* existing, bool replace);

/// The profile as it is in the file, per key setup asks, for offering as
/// the answer to keep: the text written (a ${VAR} reference as written, a
/// secret read from a file as "file PATH"), a list joined with ", ".
std::map<std::string, std::string> current_values(const config::Profile& profile);

}  // namespace notify::app
