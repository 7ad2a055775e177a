#include "config/fallbacks.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace notify::config {

namespace {

enum class Mark { unseen, on_path, done };

// Depth first over the fallback edges; a profile met again while it is on
// the current path closes a cycle.
class CycleFinder {
 public:
  explicit CycleFinder(const Config& config) : config_(config) {}

  std::vector<std::vector<std::string>> run() {
    for (const auto& [name, profile] : config_.profiles) visit(name);
    return {found_.begin(), found_.end()};
  }

 private:
  void visit(const std::string& name) {
    const auto it = config_.profiles.find(name);
    if (it == config_.profiles.end()) return;  // the loader names unknown fallbacks
    Mark& mark = marks_[name];
    if (mark == Mark::done) return;
    if (mark == Mark::on_path) {
      record(name);
      return;
    }
    mark = Mark::on_path;
    path_.push_back(name);
    for (const auto& next : it->second.fallback) visit(next);
    path_.pop_back();
    marks_[name] = Mark::done;
  }

  void record(const std::string& back_to) {
    const auto from = std::find(path_.begin(), path_.end(), back_to);
    std::vector<std::string> cycle(from, path_.end());
    // One spelling per cycle, whichever profile the search began at.
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    cycle.push_back(cycle.front());
    found_.insert(std::move(cycle));
  }

  const Config& config_;
  std::map<std::string, Mark> marks_;
  std::vector<std::string> path_;
  std::set<std::vector<std::string>> found_;
};

}  // namespace

std::vector<std::vector<std::string>> fallback_cycles(const Config& config) {
  return CycleFinder(config).run();
}

std::string cycle_text(const std::vector<std::string>& cycle) {
  std::string out;
  for (const auto& name : cycle) out += (out.empty() ? "" : " -> ") + name;
  return out;
}

}  // namespace notify::config
