#pragma once
// A fake service that fails per message: requests are told apart by a marker
// in their body (e.g. "msg-17"). The first requests carrying a marker get the
// faults planned for it, later ones the real service handler's answer, and the
// wrapper counts per marker how many times the service ACCEPTED the message.
// Built for crash tests: many notify processes share one server, each with
// its own messages, so the plan cannot be a server-wide FIFO.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "support/fake_server.hpp"

namespace notify::test {

enum class Fault {
  http_500,            ///< 500 from a reverse proxy
  http_429_after_1s,   ///< 429 in the service's own form, with Retry-After: 1
  drop,                ///< connection closed with no answer
  /// The service acts on the request (it counts as accepted), then the
  /// connection is closed before the answer: a lost connection in flight.
  accept_then_drop,
};

/// "500", "429/1s", "drop" or "accept+drop", for messages.
std::string_view fault_name(Fault f);

/// Per-marker counts.
struct MarkerCounts {
  int requests = 0;  ///< requests that carried the marker
  int faults = 0;    ///< of them, answered with a planned fault
  int accepted = 0;  ///< of them, answered 2xx by the service handler (accept_then_drop too)
};

class MarkedService {
 public:
  /// kind: "mattermost", "telegram", "line", "discord" (see service_handler), "slack"
  /// (FakeSlack) or "ntfy" (FakeNtfy).
  /// marker: what identifies a message in a request body; the first match is the marker.
  explicit MarkedService(std::string kind, std::string marker_pattern = "msg-[0-9]+");
  MarkedService(const MarkedService&) = delete;
  MarkedService& operator=(const MarkedService&) = delete;

  /// Installs this wrapper as server's handler; the server must not outlive this object.
  void install(FakeServer& server);
  /// Sets the faults the next requests carrying marker get, in order (replacing what
  /// was left of an earlier plan for it).
  void plan(const std::string& marker, std::vector<Fault> faults);
  /// Holds every accepted answer this long after counting it, as a slow network would:
  /// a process killed meanwhile never learns that the service has the message.
  void delay_accepted(std::chrono::milliseconds delay);
  /// Calls observer(marker) after each request carrying a marker has been counted, on the
  /// server's thread (so a test can wait for a message's first attempt).
  void observe(std::function<void(const std::string&)> observer);
  /// Counts for one marker (all zero if never seen).
  MarkerCounts counts(const std::string& marker) const;
  /// Requests that carried no marker (answered by the service handler, not counted).
  int unmarked() const;
  const std::string& kind() const { return kind_; }

 private:
  Reply answer(const Recorded& r);
  Reply answer_counting(const Recorded& r, const std::optional<std::string>& marker);
  Reply fault_reply(Fault f) const;

  std::string kind_;
  std::regex marker_;
  Handler service_;  // FakeServer calls handlers one at a time; mutex_ guards the counts too

  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Fault>> pending_;  // faults still to give, in order
  std::map<std::string, MarkerCounts> counts_;
  int unmarked_ = 0;
  std::chrono::milliseconds accepted_delay_{0};
  std::function<void(const std::string&)> observer_;
};

}  // namespace notify::test
