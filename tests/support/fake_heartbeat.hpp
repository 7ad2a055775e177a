#pragma once
// Fakes of the two dead-man switches notify pings (shared/reference/
// services-3.md §3a, §3b), validating as the real servers do and recording
// each ping decoded:
//
//   FakeHealthchecks hc;             FakeUptimeKuma kuma;
//   server.set_handler(hc.handler()); ... notify run ... hc.pings()
//
// Both are safe to read from the test thread while the server runs.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/fake_server.hpp"

namespace notify::test {

// --- healthchecks.io: {HEAD,GET,POST} /ping/<uuid>[/start|/fail|/log|/<0-255>] -----------

struct HealthchecksOptions {
  std::string uuid = "5c1ab0d2-7e0b-4c1f-9b6e-2f7d8a9c0e11";  ///< the one check there is
  /// Bytes of a body the server keeps (hosted 100,000; self-hosted default
  /// 10,000); sent back in Ping-Body-Limit.
  std::size_t body_limit = 100000;
};

struct HealthchecksPing {
  std::string method;
  std::string kind;     ///< "success", "start", "fail", "log" or "exit"
  int exit_status = 0;  ///< kind "exit"
  std::string rid;      ///< ?rid=, "" when none
  std::string body;     ///< as stored: cut to body_limit bytes (the head, as the server keeps)
  std::size_t body_sent = 0;  ///< bytes received
};

/// 200 "OK" text/plain with Ping-Body-Limit to a ping of options.uuid; 404 "not found" to
/// another uuid or path; 400 "invalid url format" to an exit status over 255 or another
/// suffix; 400 "invalid uuid format" to a rid that is not a canonical UUID.
class FakeHealthchecks {
 public:
  explicit FakeHealthchecks(HealthchecksOptions options = {});
  Handler handler() const;
  std::vector<HealthchecksPing> pings() const;
  /// server base + "/ping/" + uuid.
  std::string ping_url(const FakeServer& server) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

// --- Uptime Kuma push monitor: any method /api/push/<token>?status=&msg=&ping= ---------

struct UptimeKumaOptions {
  std::string token = "AbCdEf0123456789AbCdEf0123456789";  ///< the active monitor's
};

struct UptimeKumaPush {
  std::string method;
  std::string status;  ///< "up" (the default) or "down" (anything else)
  std::string msg;     ///< decoded; "OK" when absent
  std::optional<double> ping;
};

/// 200 {"ok":true} to a push with options.token; 404 {"ok":false,"msg":"Monitor not found or
/// not active."} to another token; {"ok":false,"msg":...} 200 to a ping that is not a number
/// in 0..1e11 (as Kuma's router answers a thrown error).
class FakeUptimeKuma {
 public:
  explicit FakeUptimeKuma(UptimeKumaOptions options = {});
  Handler handler() const;
  std::vector<UptimeKumaPush> pushes() const;
  /// server base + "/api/push/" + token.
  std::string push_url(const FakeServer& server) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace notify::test
