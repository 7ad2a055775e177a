#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "core/unique_fd.hpp"

namespace notify {

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t w = ::write(fd, data, size);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    size -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, std::string& out) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

Result<void> make_private_dirs(const std::string& dir) {
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    const std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return make_error(ErrorKind::io, "creating " + part + ": " + std::strerror(errno));
  }
  return {};
}

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash ? slash : 1);
  if (auto r = make_private_dirs(dir); !r) return r;
  // pid and a random suffix: two writers never share a temp file.
  const std::string tmp = dir + "/.tmp-" + std::to_string(::getpid()) + "-" +
                          std::to_string(std::random_device{}()) + "-" +
                          path.substr(slash == std::string::npos ? 0 : slash + 1);
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return make_error(ErrorKind::io, "creating " + tmp + ": " + std::strerror(errno));
  bool ok = write_all(fd.get(), text.data(), text.size()) && ::fsync(fd.get()) == 0;
  int saved = errno;
  fd.reset();  // closed before it takes the name
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) ok = false, saved = errno;
  if (!ok) {
    ::unlink(tmp.c_str());
    return make_error(ErrorKind::io, "writing " + path + ": " + std::strerror(saved));
  }
  // The rename is durable only once the directory itself is on disk.
  if (const UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dir_fd.valid())
    ::fsync(dir_fd.get());
  return {};
}

}  // namespace notify
