#pragma once
// Runs the deliveries of one command: every target concurrently, the parts
// of each target in order, retries on a timer, fallbacks on failure.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/profile.hpp"
#include "delivery/retry.hpp"
#include "services/service.hpp"
#include "transport/http.hpp"

namespace notify::delivery {

/// One profile ready to send: its service and the requests it built.
struct Leg {
  const config::Profile* profile = nullptr;
  std::unique_ptr<services::Service> service;
  std::vector<HttpRequest> requests;
};

/// A target from the command line: the primary leg, then its fallbacks.
struct Plan {
  std::string target;
  std::vector<Leg> legs;
};

struct Outcome {
  std::string target;
  bool delivered = false;
  std::string via;            ///< profile that delivered, if any
  std::size_t parts = 0;      ///< requests the delivering leg needed
  std::size_t parts_sent = 0; ///< of those, how many were accepted
  long http_status = 0;       ///< last status seen (0: none)
  int attempts = 0;           ///< HTTP attempts over all legs
  std::string error;          ///< why it failed (service's words)
  std::string hint;
  bool spooled = false;       ///< set by the caller
};

struct EngineOptions {
  RetryPolicy policy;  ///< `retries` is taken from each profile
  std::function<void(const std::string&)> log;  ///< -v lines; may be empty
  std::function<double()> random01;             ///< for jitter
  /// True once the process is asked to stop (--stream on SIGTERM): pending
  /// and further retries are given up, so the caller can spool in time.
  std::function<bool()> stopping;
};

/// Delivers every plan; returns one outcome per plan, in the same order.
std::vector<Outcome> deliver(std::vector<Plan>& plans, HttpClient& client,
                             const EngineOptions& options);

}  // namespace notify::delivery
