#pragma once
// Which of a message's files each profile can carry (PRODUCT.md "Files to
// several targets"): a target that cannot carry a file gets the text with
// one line naming the files it could not carry and why.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/loader.hpp"
#include "config/profile.hpp"
#include "core/result.hpp"
#include "message/draft.hpp"

namespace notify::app {

/// Why `profile` cannot carry a file of `bytes` bytes: its service takes no
/// files, or the file is over its limit. Empty when it can.
std::string cannot_carry(const config::Profile& profile, std::uint64_t bytes);

/// A message's files as one profile sends them (no file's data copied).
struct FileFit {
  std::vector<std::size_t> carried;  ///< indices of the files it carries
  /// The files left out, each with why.
  std::vector<std::pair<std::string, std::string>> left_out;
  /// The line added to the text when some are left out; "" when none are.
  std::string note;
};

/// Splits `files` into those `profile` carries and those it cannot. A
/// withheld file (not read, too large for every destination) is never
/// carried.
FileFit fit_files(const config::Profile& profile, const std::vector<Attachment>& files);

/// Where --file reads from.
struct FileSource {
  /// Size of a regular file that may be read; an Error (io) saying why not.
  std::function<Result<std::uint64_t>(const std::string&)> readable_size;
  config::FileReader read_file;
};

/// Every file of `paths` into the draft, each read once (its size checked
/// first), for `targets` (profile names; `target_words` as given, so that an
/// error can name the group that brought a profile in). One target that
/// cannot carry a file is a usage error; of several, each gets what it can
/// carry, and a file too large for every profile reached is not read, only
/// named. Errors (usage) name the file and why.
Result<void> attach_files(const config::Config& config, const std::vector<std::string>& targets,
                          std::string_view target_words, const std::vector<std::string>& paths,
                          const FileSource& source, Draft& draft);

}  // namespace notify::app
