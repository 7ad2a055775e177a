#include "app/attachments.hpp"

#include "services/registry.hpp"

namespace notify::app {

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

}  // namespace notify::app
