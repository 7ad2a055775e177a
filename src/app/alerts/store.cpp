#include "app/alerts/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "core/files.hpp"

namespace notify::app::alerts {

namespace {

Error io_error(const std::string& what, const std::string& path) {
  return make_error(ErrorKind::io, what + " " + path + ": " + std::strerror(errno));
}

// A held descriptor closed on every early return.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

}  // namespace

std::optional<std::string> alerts_dir(const config::EnvLookup& env) {
  const auto xdg = env("XDG_STATE_HOME");
  if (xdg && !xdg->empty() && (*xdg)[0] == '/') return *xdg + "/notify/alerts";
  const auto home = env("HOME");
  if (home && !home->empty()) return *home + "/.local/state/notify/alerts";
  return std::nullopt;
}

AlertFile::AlertFile(int fd, std::string path, AlertState state, std::string damage)
    : fd_(fd), path_(std::move(path)), state_(std::move(state)), damage_(std::move(damage)) {}

AlertFile::AlertFile(AlertFile&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)), state_(std::move(o.state_)),
      damage_(std::move(o.damage_)) {}

AlertFile& AlertFile::operator=(AlertFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    path_ = std::move(o.path_);
    state_ = std::move(o.state_);
    damage_ = std::move(o.damage_);
  }
  return *this;
}

// Closing the descriptor releases the lock.
AlertFile::~AlertFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> AlertFile::save() const { return write_file_atomically(path_, encode_state(state_)); }

std::string AlertStore::file_name(const std::string& key, const std::string& profile) {
  // FNV-1a, 64 bits: names only; the file says whose it is, so a collision
  // reads as another key's state and is taken as empty.
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](const std::string& s) {
    for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  mix(profile);
  h = (h ^ 0xffu) * 1099511628211ull;  // no profile/key split reads as another
  mix(key);
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
  return out;
}

Result<AlertFile> AlertStore::open(const std::string& key, const std::string& profile,
                                   const std::function<void()>& waiting) const {
  if (auto made = make_private_dirs(dir_); !made) return made.error();
  const std::string path = dir_ + "/" + file_name(key, profile);
  bool told = false;
  for (;;) {
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (fd.fd < 0) return io_error("opening", path);
    if (::flock(fd.fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) return io_error("locking", path);
      if (waiting && !told) waiting();
      told = true;
      while (::flock(fd.fd, LOCK_EX) != 0)
        if (errno != EINTR) return io_error("locking", path);
    }
    // Saving replaces the file (a rename): a lock won on the file it
    // replaced guards nothing, so take the one now at the path.
    struct stat held {}, now {};
    if (::fstat(fd.fd, &held) != 0) return io_error("reading", path);
    if (::stat(path.c_str(), &now) != 0 || held.st_ino != now.st_ino || held.st_dev != now.st_dev)
      continue;
    std::string text;
    if (!read_all(fd.fd, text)) return io_error("reading", path);
    auto state = decode_state(text);
    std::string damage;
    if (!state)
      damage = "the alert state " + path + " is damaged; key '" + key + "' on " + profile +
               " starts afresh";
    else if (!(state->key.empty() && state->profile.empty()) &&
             (state->key != key || state->profile != profile))
      damage = "the alert state " + path + " belongs to another key; key '" + key + "' on " +
               profile + " starts afresh";
    if (!damage.empty()) state = AlertState{};
    state->key = key;
    state->profile = profile;
    return AlertFile(fd.release(), path, std::move(*state), std::move(damage));
  }
}

}  // namespace notify::app::alerts
