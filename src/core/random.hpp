#pragma once
// Randomness, as a parameter. Idempotency keys must come from the operating
// system's random source: a key two processes could both draw would let a
// retry of one message pass for another (LINE drops the second as a repeat).

#include <string>

namespace notify {

class Random {
 public:
  virtual ~Random() = default;
  /// A version 4 UUID (122 random bits), lower-case hex with dashes.
  virtual std::string uuid4() = 0;
  /// Uniform in [0, 1), for backoff jitter.
  virtual double unit() = 0;
};

/// getrandom(2); falls back to /dev/urandom where the call is missing.
Random& os_random();

/// The UUID text for 16 random bytes (version and variant bits set here).
std::string uuid4_from_bytes(const unsigned char (&bytes)[16]);

}  // namespace notify
