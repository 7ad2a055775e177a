#include "spool/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "core/files.hpp"

namespace notify::spool {

namespace {

constexpr int kFormatVersion = 1;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

std::string encode(const Entry& e) {
  nlohmann::json j = {{"version", kFormatVersion}, {"target", e.target},
                      {"title", e.title},          {"body", e.body},
                      {"code", e.code},            {"code_lang", e.code_lang},
                      {"markdown", e.markdown},
                      {"silent", e.silent},        {"username", e.username},
                      {"icon", e.icon},            {"channel", e.channel},
                      {"created_unix", e.created_unix}, {"last_error", e.last_error},
                      {"files", e.files}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<Entry> decode(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("version", 0) != kFormatVersion) return std::nullopt;
  try {
    Entry e;
    e.target = j.at("target").get<std::string>();
    e.title = j.value("title", "");
    e.body = j.at("body").get<std::string>();
    e.code = j.value("code", false);
    e.code_lang = j.value("code_lang", "");
    e.markdown = j.value("markdown", false);
    e.silent = j.value("silent", false);
    e.username = j.value("username", "");
    e.icon = j.value("icon", "");
    e.channel = j.value("channel", "");
    e.created_unix = j.value("created_unix", std::int64_t{0});
    e.last_error = j.value("last_error", "");
    e.files = j.value("files", std::vector<std::string>{});
    if (e.target.empty()) return std::nullopt;
    return e;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> default_dir(const std::optional<std::string>& xdg_state_home,
                                       const std::optional<std::string>& home) {
  if (xdg_state_home && !xdg_state_home->empty() && (*xdg_state_home)[0] == '/')
    return *xdg_state_home + "/notify/spool";
  if (home && !home->empty()) return *home + "/.local/state/notify/spool";
  return std::nullopt;
}

Result<std::string> Spool::add(const Entry& entry) const {
  // Names sort by creation time; pid and a random suffix keep two
  // processes in the same nanosecond apart.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  char name[96];
  std::snprintf(name, sizeof name, "%020lld-%06d-%08x.msg", static_cast<long long>(ns),
                static_cast<int>(::getpid()), std::random_device{}());
  const std::string path = dir_ + "/" + name;
  if (auto r = write_file_atomically(path, encode(entry)); !r) return r.error();
  return path;
}

std::vector<std::string> Spool::files() const {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 4 && n[0] != '.' && n.compare(n.size() - 4, 4, ".msg") == 0)
      out.push_back(dir_ + "/" + n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, int>> Spool::counts() const {
  std::map<std::string, int> m;
  for (const auto& f : files()) {
    int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    std::string text;
    bool ok = read_all(fd, text);
    ::close(fd);
    if (!ok) continue;
    if (auto e = decode(text)) ++m[e->target];
  }
  return {m.begin(), m.end()};
}

Spool::ClaimStatus Spool::claim(const std::string& path, Claim& out,
                                std::string* moved_to) const {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return ClaimStatus::gone;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return ClaimStatus::busy;
  }
  // Another flush may have delivered and unlinked it between our open and
  // our lock: then the inode we hold has no name any more.
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_nlink == 0) {
    ::close(fd);
    return ClaimStatus::gone;
  }
  std::string text;
  auto entry = read_all(fd, text) ? decode(text) : std::nullopt;
  if (!entry) {
    const std::string corrupt_dir = dir_ + "/corrupt";
    (void)make_private_dirs(corrupt_dir);
    const std::string dest = corrupt_dir + "/" + path.substr(path.rfind('/') + 1);
    ::rename(path.c_str(), dest.c_str());
    if (moved_to) *moved_to = dest;
    ::close(fd);
    return ClaimStatus::corrupt;
  }
  out = Claim();
  out.fd_ = fd;
  out.path_ = path;
  out.entry_ = std::move(*entry);
  return ClaimStatus::claimed;
}

Spool::Claim::Claim(Claim&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), entry_(std::move(o.entry_)) {
  o.fd_ = -1;
}

Spool::Claim& Spool::Claim::operator=(Claim&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    entry_ = std::move(o.entry_);
    o.fd_ = -1;
  }
  return *this;
}

Spool::Claim::~Claim() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

Result<void> Spool::Claim::remove() {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
    return make_error(ErrorKind::io, errno_text("removing " + path_));
  return {};
}

}  // namespace notify::spool
