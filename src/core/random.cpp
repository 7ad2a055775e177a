#include "core/random.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "core/unique_fd.hpp"

namespace notify {

namespace {

void fill(unsigned char* out, std::size_t n) {
  while (n > 0) {
    const ssize_t got = ::getrandom(out, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;  // ENOSYS on an old kernel: read the device instead
    }
    out += got;
    n -= static_cast<std::size_t>(got);
  }
  if (n == 0) return;
  if (const UniqueFd fd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC)); fd.valid()) {
    while (n > 0) {
      const ssize_t got = ::read(fd.get(), out, n);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      out += got;
      n -= static_cast<std::size_t>(got);
    }
  }
  // Never a predictable key: without a random source there is no safe one.
  if (n > 0) throw std::runtime_error("no random source (getrandom and /dev/urandom failed)");
}

class OsRandom final : public Random {
 public:
  std::string uuid4() override {
    unsigned char b[16];
    fill(b, sizeof b);
    return uuid4_from_bytes(b);
  }
  double unit() override {
    std::uint64_t x = 0;
    fill(reinterpret_cast<unsigned char*>(&x), sizeof x);
    return static_cast<double>(x >> 11) * 0x1.0p-53;
  }
};

}  // namespace

std::string uuid4_from_bytes(const unsigned char (&bytes)[16]) {
  unsigned char b[16];
  std::memcpy(b, bytes, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += hex[b[i] >> 4];
    s += hex[b[i] & 15];
  }
  return s;
}

Random& os_random() {
  static OsRandom random;
  return random;
}

}  // namespace notify
