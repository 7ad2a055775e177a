#include "cli/world.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "transport/curl_http_client.hpp"

namespace notify::cli {

World real_world() {
  World w;
  w.out = &std::cout;
  w.err = &std::cerr;
  w.env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v) return std::string(v);
    // `env -i` (and some service managers) start us without HOME; the
    // password database still knows it, and the spool and the profile
    // file live under it.
    if (name == "HOME")
      if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_dir && *pw->pw_dir)
        return std::string(pw->pw_dir);
    return std::nullopt;
  };
  w.read_file = [](const std::string& path) -> Result<std::string> {
    std::ifstream f(path, std::ios::binary);
    if (!f) return make_error(ErrorKind::io, std::strerror(errno));
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) return make_error(ErrorKind::io, "read error");
    return ss.str();
  };
  w.is_terminal = [](int fd) { return ::isatty(fd) == 1; };
  w.file_mode = [](const std::string& path) -> std::optional<unsigned> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<unsigned>(st.st_mode & 07777);
  };
  w.file_exists = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  };
  w.readable_size = [](const std::string& path) -> Result<std::uint64_t> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0)
      return make_error(ErrorKind::io, std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::io, "not a regular file");
    return static_cast<std::uint64_t>(st.st_size);
  };
  w.make_http = [] { return std::make_unique<CurlHttpClient>(); };
  w.hostname = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return std::string("localhost");
    return std::string(buf);
  };
  return w;
}

}  // namespace notify::cli
