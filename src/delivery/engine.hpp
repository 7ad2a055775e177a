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
#include "core/outcome.hpp"
#include "core/stop.hpp"
#include "delivery/retry.hpp"
#include "services/service.hpp"
#include "core/http.hpp"

namespace notify::delivery {

/// One destination profile ready to send: its service and the requests it
/// built. Shared by every target whose chain reaches it.
struct Leg {
  const config::Profile* profile = nullptr;
  std::unique_ptr<services::Service> service;
  std::vector<HttpRequest> requests;
  /// With an edit: the same message posted anew, part for part, for an
  /// edit the server will not make (Verdict::Kind::post_anew); else empty.
  std::vector<HttpRequest> anew;
  std::size_t first = 0;        ///< parts accepted before (a resumed message)
  bool already_has = false;     ///< the destination got the whole message before
  std::string unavailable;      ///< why it cannot be tried now (e.g. a secret); "" = it can
  /// With `unavailable`: it never will be (a lookup the server refused for
  /// good, Service::lookup()), and what to do about it.
  bool unavailable_permanent = false;
  std::string unavailable_hint;
};

/// A target: the legs (indices into the leg table) it tries in order.
struct Plan {
  std::string target;
  std::vector<std::size_t> legs;
};

using Outcome = notify::Outcome;

/// What the engine tells as it goes, so progress can be journalled.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void part_accepted(std::size_t /*leg*/, std::size_t /*part*/) {}
  /// A retry wait is about to start.
  virtual void waiting() {}
};

using Stop = notify::Stop;

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
