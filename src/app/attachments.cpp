#include "app/attachments.hpp"

#include <algorithm>

#include "app/targets.hpp"
#include "services/registry.hpp"

namespace notify::app {

namespace {

// The group of the command line's TARGET words that brought `name` in, if
// it came through one: an error about it must say which group.
std::string group_of(const config::Config& config, std::string_view words,
                     const std::string& name) {
  while (!words.empty()) {
    const auto comma = words.find(',');
    const std::string word(words.substr(0, comma));
    words = comma == std::string_view::npos ? std::string_view() : words.substr(comma + 1);
    const auto g = config.groups.find(word);
    if (g != config.groups.end() &&
        std::find(g->second.begin(), g->second.end(), name) != g->second.end())
      return word;
  }
  return {};
}

}  // namespace

std::string cannot_carry(const config::Profile& p, std::uint64_t bytes) {
  const auto& service = services::service_of(p);
  if (!service.no_files.empty()) return p.type + ", " + std::string(service.no_files);
  const auto limit = service.make(p)->max_file_bytes();
  if (bytes > limit)
    return std::to_string(bytes) + " bytes, over " + p.type + "'s limit of " +
           std::to_string(limit) + " bytes";
  return {};
}

FileFit fit_files(const config::Profile& p, const std::vector<Attachment>& files) {
  FileFit fit;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    std::string why = cannot_carry(p, f.size());
    // Only a change of notify itself can make a withheld file fit now.
    if (why.empty() && f.withheld_size) why = "too large for every target when it was sent";
    if (why.empty()) fit.carried.push_back(i);
    else fit.left_out.emplace_back(f.name, std::move(why));
  }
  if (fit.left_out.empty()) return fit;
  // One line: the names, grouped by the reason they share.
  fit.note = "Not attached here: ";
  for (std::size_t i = 0; i < fit.left_out.size(); ++i) {
    const auto& [name, why] = fit.left_out[i];
    fit.note += name;
    const bool last_of_reason = i + 1 == fit.left_out.size() || fit.left_out[i + 1].second != why;
    if (last_of_reason) fit.note += " (" + why + ")";
    if (i + 1 < fit.left_out.size()) fit.note += last_of_reason ? "; " : ", ";
  }
  fit.note += ".";
  return fit;
}

Result<void> attach_files(const config::Config& config, const std::vector<std::string>& targets,
                          std::string_view target_words, const std::vector<std::string>& paths,
                          const FileSource& source, Draft& draft) {
  // Whoever may get the files: every profile reached, fallbacks too, but a
  // notice_only one gets a notice and never files.
  std::vector<const config::Profile*> carriers;
  for (const auto& n : reachable(config, targets))
    if (const auto& p = config.profiles.at(n); !p.notice_only) carriers.push_back(&p);
  for (const auto& path : paths) {
    auto size = source.readable_size(path);
    if (!size) return make_error(ErrorKind::usage, "--file " + path + ": " + size.error().message);
    // One target: a file it cannot carry would reach nobody, so it is a
    // mistake to say at once. Several: each gets what it can carry.
    if (targets.size() == 1) {
      const auto& p = config.profiles.at(targets.front());
      const auto group = group_of(config, target_words, p.name);
      if (auto why = p.notice_only ? "" : cannot_carry(p, *size); !why.empty())
        return make_error(ErrorKind::usage,
                          "--file " + path + ": profile '" + p.name + "'" +
                              (group.empty() ? "" : " (through group '" + group + "')") +
                              " cannot carry it: " + why);
    }
    std::string name = path.substr(path.rfind('/') + 1);
    const bool wanted = std::any_of(carriers.begin(), carriers.end(), [&](const config::Profile* p) {
      return cannot_carry(*p, *size).empty();
    });
    if (!wanted) {
      // Too large for all of them: not read into memory nor the spool, only
      // named in each target's text.
      draft.files.push_back(Attachment{std::move(name), {}, *size});
      continue;
    }
    // Read once, now: the spool keeps the content, so a flush never
    // depends on the path (relative to a cwd, or gone by then).
    auto data = source.read_file(path);
    if (!data) return make_error(ErrorKind::usage, "--file " + path + ": " + data.error().message);
    draft.files.push_back(Attachment{std::move(name), std::move(*data), std::nullopt});
  }
  return {};
}

}  // namespace notify::app
