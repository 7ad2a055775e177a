#include "cli/world.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "transport/curl_http_client.hpp"

namespace notify::cli {

namespace {

std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

std::string uuid4() {
  std::uniform_int_distribution<unsigned> byte(0, 255);
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(byte(rng()));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += hex[b[i] >> 4];
    s += hex[b[i] & 15];
  }
  return s;
}

}  // namespace

World real_world() {
  World w;
  w.out = &std::cout;
  w.err = &std::cerr;
  w.env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
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
  w.random01 = [] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng()); };
  w.new_uuid = uuid4;
  w.hostname = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return std::string("localhost");
    return std::string(buf);
  };
  return w;
}

}  // namespace notify::cli
