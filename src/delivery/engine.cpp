#include "delivery/engine.hpp"

#include <algorithm>
#include <chrono>

#include "core/names.hpp"

namespace notify::delivery {

namespace {

using Clock = std::chrono::steady_clock;
using services::Verdict;

struct Run {
  Plan* plan = nullptr;
  Outcome outcome;
  std::size_t leg = 0;
  std::size_t next = 0;       // index of the request in flight / to send
  int retries_used = 0;       // for the current request
  bool plain_tried = false;   // for the current request
  bool done = false;
  std::optional<Clock::time_point> wake;  // retry timer
};

class Engine {
 public:
  Engine(std::vector<Plan>& plans, HttpClient& client, const EngineOptions& o)
      : client_(client), opt_(o) {
    runs_.resize(plans.size());
    for (std::size_t i = 0; i < plans.size(); ++i) {
      runs_[i].plan = &plans[i];
      runs_[i].outcome.target = plans[i].target;
    }
  }

  std::vector<Outcome> go() {
    for (std::size_t i = 0; i < runs_.size(); ++i) begin_leg(i);
    while (std::any_of(runs_.begin(), runs_.end(), [](const Run& r) { return !r.done; })) {
      if (stopping()) abandon_retries();
      auto now = Clock::now();
      auto wait = std::chrono::milliseconds(1000);
      for (std::size_t i = 0; i < runs_.size(); ++i) {
        auto& r = runs_[i];
        if (r.done || !r.wake) continue;
        if (*r.wake <= now) {
          r.wake.reset();
          send(i);
        } else {
          wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    *r.wake - now) + std::chrono::milliseconds(1));
        }
      }
      client_.poll(wait);
    }
    std::vector<Outcome> out;
    for (auto& r : runs_) out.push_back(std::move(r.outcome));
    return out;
  }

 private:
  bool stopping() const { return opt_.stopping && opt_.stopping(); }

  void abandon_retries() {
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      auto& r = runs_[i];
      if (r.done || !r.wake) continue;
      r.wake.reset();
      fail(i, "not retried: notify is stopping", "");
    }
  }

  void log(const std::string& line) {
    if (opt_.log) opt_.log(line);
  }
  Leg& leg(Run& r) { return r.plan->legs[r.leg]; }

  void begin_leg(std::size_t i) {
    auto& r = runs_[i];
    if (r.leg >= r.plan->legs.size()) {
      r.done = true;
      return;
    }
    r.next = 0;
    r.retries_used = 0;
    r.plain_tried = false;
    r.outcome.parts = leg(r).requests.size();
    r.outcome.parts_sent = 0;
    if (r.leg > 0) log(r.plan->target + ": trying fallback '" + leg(r).profile->name + "'");
    if (leg(r).requests.empty()) return finish_leg(i, true);
    send(i);
  }

  void send(std::size_t i) {
    auto& r = runs_[i];
    auto& l = leg(r);
    RequestOptions ro;
    ro.timeout = std::chrono::seconds(l.profile->timeout_s);
    ro.ca_file = l.profile->ca_file;
    ++r.outcome.attempts;
    log(l.profile->name + ": POST part " + std::to_string(r.next + 1) + "/" +
        std::to_string(l.requests.size()) +
        (r.retries_used ? " (retry " + std::to_string(r.retries_used) + ")" : ""));
    client_.start(l.requests[r.next], ro,
                  [this, i](HttpResponse resp) { on_reply(i, std::move(resp)); });
  }

  void on_reply(std::size_t i, HttpResponse resp) {
    auto& r = runs_[i];
    auto& l = leg(r);
    r.outcome.http_status = resp.status;
    Verdict v = l.service->interpret(resp);
    const std::string who = l.profile->name + ": part " + std::to_string(r.next + 1);
    switch (v.kind) {
      case Verdict::Kind::delivered:
        log(who + ": delivered (HTTP " + std::to_string(resp.status) + ")");
        ++r.outcome.parts_sent;
        ++r.next;
        r.retries_used = 0;
        r.plain_tried = false;
        if (r.next == l.requests.size()) return finish_leg(i, true);
        return send(i);
      case Verdict::Kind::resend_plain:
        if (!r.plain_tried) {
          if (auto p = l.service->plain(l.requests[r.next])) {
            r.plain_tried = true;
            l.requests[r.next] = std::move(*p);
            log("warning: " + who + ": the service rejected the formatting (" + v.error +
                "); resending as plain text");
            return send(i);
          }
        }
        break;
      case Verdict::Kind::retry:
        if (r.retries_used < l.profile->retries && !stopping()) {
          ++r.retries_used;
          double rnd = opt_.random01 ? opt_.random01() : 0.5;
          auto d = retry_delay(opt_.policy, r.retries_used, v.retry_after, rnd);
          log(who + ": " + v.error + "; retrying in " + std::to_string(d.delay.count()) +
              " ms" + (v.retry_after ? " (server asked " +
                                           std::to_string(v.retry_after->count()) + " ms" +
                                           (d.capped ? ", capped" : "") + ")"
                                     : ""));
          r.wake = Clock::now() + d.delay;
          return;
        }
        v.error += stopping() ? " (not retried: notify is stopping)"
                              : " (gave up after " + count_of(r.retries_used + 1, "attempt", "attempts") + ")";
        break;
      case Verdict::Kind::fail:
        break;
    }
    fail(i, v.error, v.hint);
  }

  void fail(std::size_t i, const std::string& error, const std::string& hint) {
    auto& r = runs_[i];
    const auto& l = leg(r);
    log(l.profile->name + ": part " + std::to_string(r.next + 1) + ": failed: " + error);
    // Keep every leg's reason: "ops: HTTP 500; me: chat not found".
    r.outcome.error += (r.outcome.error.empty() ? "" : "; ") + l.profile->name + ": " + error;
    if (r.outcome.hint.empty()) r.outcome.hint = hint;
    finish_leg(i, false);
  }

  void finish_leg(std::size_t i, bool ok) {
    auto& r = runs_[i];
    if (ok) {
      r.outcome.delivered = true;
      r.outcome.via = leg(r).profile->name;
      r.outcome.error.clear();
      r.outcome.hint.clear();
      r.done = true;
      return;
    }
    ++r.leg;
    begin_leg(i);
  }

  HttpClient& client_;
  const EngineOptions& opt_;
  std::vector<Run> runs_;
};

}  // namespace

std::vector<Outcome> deliver(std::vector<Plan>& plans, HttpClient& client,
                             const EngineOptions& options) {
  return Engine(plans, client, options).go();
}

}  // namespace notify::delivery
