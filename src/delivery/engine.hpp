#pragma once
// Runs the deliveries of one message: every target concurrently, the parts
// of each destination in order, retries on a timer, fallbacks on failure,
// and each destination profile driven once however many targets reach it.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/profile.hpp"
#include "core/clock.hpp"
#include "delivery/retry.hpp"
#include "services/service.hpp"
#include "transport/http.hpp"

namespace notify::delivery {

/// One destination profile ready to send: its service and the requests it
/// built. Shared by every target whose chain reaches it.
struct Leg {
  const config::Profile* profile = nullptr;
  std::unique_ptr<services::Service> service;
  std::vector<HttpRequest> requests;
  std::size_t first = 0;        ///< parts accepted before (a resumed message)
  bool already_has = false;     ///< the destination got the whole message before
  std::string unavailable;      ///< why it cannot be tried now (e.g. a secret); "" = it can
};

/// A target: the legs (indices into the leg table) it tries in order.
struct Plan {
  std::string target;
  std::vector<std::size_t> legs;
};

struct Outcome {
  std::string target;
  bool delivered = false;
  std::string via;             ///< profile that delivered, if any
  std::size_t parts = 0;       ///< requests the last leg tried needed
  std::size_t parts_sent = 0;  ///< of those, how many were accepted
  long http_status = 0;        ///< last status seen (0: none)
  int attempts = 0;            ///< HTTP attempts over all legs
  std::string error;           ///< why it failed (service's words)
  /// Delivered through a fallback: why each profile before it failed
  /// ("ops failed: HTTP 500 (gave up after 4 attempts)"); empty otherwise.
  std::string fallback_reason;
  std::string hint;
  /// Every leg failed for good (4xx, unknown webhook...): never worth
  /// retrying by itself.
  bool permanent = false;
  bool stopped = false;        ///< cut short by a stop signal
  /// Why the target took no part (its min_priority): neither delivered
  /// nor failed, never kept. Empty when it did take part.
  std::string skipped;
  // Set by the caller:
  /// Files the profile that delivered (or, undelivered, the target) could
  /// not carry, each with why; its text named them instead.
  std::vector<std::pair<std::string, std::string>> files_left_out;
  bool spooled = false;
  bool dead = false;           ///< moved to the spool's failed/
  std::string spool_id;
};

/// What the engine tells as it goes, so progress can be journalled.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void part_accepted(std::size_t /*leg*/, std::size_t /*part*/) {}
  /// A retry wait is about to start.
  virtual void waiting() {}
};

/// The process is asked to stop: no new request or retry wait starts;
/// requests on their way get `grace`, then are abandoned.
struct Stop {
  std::function<bool()> requested;
  int fd = -1;  ///< readable once requested (wakes a sleeping poll)
  std::chrono::milliseconds grace{2000};
};

struct EngineOptions {
  RetryPolicy policy;  ///< `retries` is taken from each profile
  std::function<void(const std::string&)> log;  ///< -v lines; may be empty
  std::function<double()> random01;             ///< for jitter
  const Clock* clock = nullptr;                 ///< default: system_clock()
  Stop stop;
  Observer* observer = nullptr;
};

/// Delivers every plan; returns one outcome per plan, in the same order.
std::vector<Outcome> deliver(std::vector<Leg>& legs, const std::vector<Plan>& plans,
                             HttpClient& client, const EngineOptions& options);

}  // namespace notify::delivery
