#include "delivery/engine.hpp"

#include <algorithm>
#include <utility>

#include "core/names.hpp"

namespace notify::delivery {

namespace {

using Clock = std::chrono::steady_clock;
using services::Verdict;

enum class LegState { idle, running, delivered, failed };

struct LegRun {
  LegState state = LegState::idle;
  std::size_t next = 0;      // request in flight / to send
  int retries_used = 0;      // for the current request
  bool plain_tried = false;  // for the current request
  std::vector<std::string> ids;  // Service::message_id of each part accepted
  bool in_flight = false;
  std::optional<Clock::time_point> wake;  // retry timer
  int attempts = 0;
  long status = 0;
  std::string error, hint;
  bool permanent = false;
  bool stopped = false;
  std::vector<std::size_t> waiting;  // targets that wait for this leg
};

struct TargetRun {
  std::size_t pos = 0;
  bool done = false;
  Outcome outcome;
};

class Engine {
 public:
  Engine(std::vector<Leg>& legs, const std::vector<Plan>& plans, HttpClient& client,
         const EngineOptions& o)
      : legs_(legs), plans_(plans), client_(client), opt_(o),
        clock_(o.clock ? *o.clock : system_clock()), runs_(legs.size()), targets_(plans.size()) {
    for (std::size_t i = 0; i < plans.size(); ++i) targets_[i].outcome.target = plans[i].target;
  }

  std::vector<Outcome> go() {
    if (opt_.stop.requested && opt_.stop.requested()) stop_at_ = clock_.now();
    for (std::size_t i = 0; i < targets_.size(); ++i) advance(i);
    while (std::any_of(targets_.begin(), targets_.end(), [](const TargetRun& t) { return !t.done; })) {
      auto now = clock_.now();
      if (!stop_at_ && opt_.stop.requested && opt_.stop.requested()) {
        stop_at_ = now;
        abandon_waits();
      }
      if (stop_at_ && now >= *stop_at_ + opt_.stop.grace) abandon_in_flight();
      for (std::size_t l = 0; l < runs_.size(); ++l) {
        auto& r = runs_[l];
        if (r.state == LegState::running && r.wake && *r.wake <= now) {
          r.wake.reset();
          send(l);
        }
      }
      if (std::all_of(targets_.begin(), targets_.end(), [](const TargetRun& t) { return t.done; }))
        break;
      auto wait = std::chrono::milliseconds(1000);
      auto until = [&](Clock::time_point t) {
        wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(t - now));
      };
      for (const auto& r : runs_)
        if (r.state == LegState::running && r.wake) until(*r.wake);
      if (stop_at_) until(*stop_at_ + opt_.stop.grace);
      // After the stop the fd stays readable: watching it would spin.
      client_.poll(std::max(wait, std::chrono::milliseconds(0)), stop_at_ ? -1 : opt_.stop.fd);
    }
    std::vector<Outcome> out;
    for (auto& t : targets_) out.push_back(std::move(t.outcome));
    return out;
  }

 private:
  bool stopping() const { return stop_at_.has_value(); }
  void log(const std::string& line) const {
    if (opt_.log) opt_.log(line);
  }
  const std::string& name(std::size_t l) const { return legs_[l].profile->name; }
  std::string who(std::size_t l) const { return name(l) + ": part " + std::to_string(runs_[l].next + 1); }

  void abandon_waits() {
    for (std::size_t l = 0; l < runs_.size(); ++l)
      if (runs_[l].state == LegState::running && runs_[l].wake) {
        runs_[l].wake.reset();
        runs_[l].stopped = true;
        fail(l, runs_[l].error + " (not retried: notify is stopping)", "", false);
      }
  }

  void abandon_in_flight() {
    bool any = false;
    for (const auto& r : runs_) any = any || r.in_flight;
    if (!any) return;
    client_.cancel_all();
    for (std::size_t l = 0; l < runs_.size(); ++l)
      if (runs_[l].in_flight) {
        runs_[l].in_flight = false;
        runs_[l].stopped = true;
        fail(l, "no answer before the stop signal's grace ran out", "", false);
      }
  }

  // Moves a target along its chain until it waits on a running leg or ends.
  void advance(std::size_t t) {
    auto& tr = targets_[t];
    const auto& plan = plans_[t];
    while (tr.pos < plan.legs.size()) {
      const std::size_t l = plan.legs[tr.pos];
      auto& r = runs_[l];
      const Leg& leg = legs_[l];
      if (r.state == LegState::idle) {
        if (leg.already_has) {
          r.state = LegState::delivered;
          r.next = leg.requests.size();
          log(plan.target + ": '" + name(l) + "' already has this message");
        } else if (!leg.unavailable.empty()) {
          r.state = LegState::failed;
          r.error = leg.unavailable;
          r.hint = leg.unavailable_hint;
          r.permanent = leg.unavailable_permanent;
        } else if (stopping()) {
          r.state = LegState::failed;
          r.error = "not tried: notify is stopping";
          r.stopped = true;
        } else {
          if (tr.pos > 0) log(plan.target + ": trying fallback '" + name(l) + "'");
          start(l);
        }
      }
      if (r.state == LegState::running) {
        r.waiting.push_back(t);
        return;
      }
      if (r.state == LegState::delivered) return finish(t, l);
      ++tr.pos;
    }
    finish(t, std::nullopt);
  }

  void finish(std::size_t t, std::optional<std::size_t> via) {
    auto& tr = targets_[t];
    auto& oc = tr.outcome;
    tr.done = true;
    bool all_permanent = true;
    std::string passed_over;  // "ops failed: HTTP 500": said when a fallback delivers
    for (std::size_t k = 0; k <= std::min(tr.pos, plans_[t].legs.size() - 1); ++k) {
      const std::size_t l = plans_[t].legs[k];
      const auto& r = runs_[l];
      oc.attempts += r.attempts;
      oc.parts = legs_[l].requests.size();
      oc.parts_sent = r.next;
      if (r.status) oc.http_status = r.status;
      if (r.state != LegState::failed) continue;
      // Keep every leg's reason: "ops: HTTP 500; me: chat not found".
      oc.error += (oc.error.empty() ? "" : "; ") + name(l) + ": " + r.error;
      passed_over += (passed_over.empty() ? "" : "; ") + name(l) + " failed: " + r.error;
      if (oc.hint.empty()) oc.hint = r.hint;
      all_permanent = all_permanent && r.permanent;
      oc.stopped = oc.stopped || r.stopped;
    }
    if (via) {
      oc.delivered = true;
      oc.via = name(*via);
      oc.message_ids = runs_[*via].ids;
      // Delivered is delivered; why the first choice was passed over is
      // still worth a line (a dead primary must not look healthy).
      if (oc.via != plans_[t].target) oc.fallback_reason = std::move(passed_over);
      oc.error.clear();
      oc.hint.clear();
      return;
    }
    oc.permanent = all_permanent && !oc.stopped;
  }

  void start(std::size_t l) {
    auto& r = runs_[l];
    r.state = LegState::running;
    r.next = legs_[l].first;
    if (r.next >= legs_[l].requests.size()) {
      r.state = LegState::delivered;
      return;
    }
    send(l);
  }

  void send(std::size_t l) {
    auto& r = runs_[l];
    const Leg& leg = legs_[l];
    if (stopping()) {
      r.stopped = true;
      return fail(l, "not sent: notify is stopping", "", false);
    }
    RequestOptions ro;
    ro.timeout = std::chrono::seconds(leg.profile->timeout_s);
    ro.ca_file = leg.profile->ca_file;
    ++r.attempts;
    // A part with a post to fall back on is an edit: -v says which it is.
    const bool edit = r.next < leg.anew.size() && !leg.anew[r.next].method.empty();
    log(name(l) + (edit ? ": edit part " : ": " + leg.requests[r.next].method + " part ") +
        std::to_string(r.next + 1) + "/" +
        std::to_string(leg.requests.size()) +
        (r.retries_used ? " (retry " + std::to_string(r.retries_used) + ")" : ""));
    r.in_flight = true;
    client_.start(leg.requests[r.next], ro, [this, l](HttpResponse resp) { on_reply(l, std::move(resp)); });
  }

  void on_reply(std::size_t l, HttpResponse resp) {
    auto& r = runs_[l];
    Leg& leg = legs_[l];
    r.in_flight = false;
    if (resp.status) r.status = resp.status;
    Verdict v = leg.service->interpret(resp);
    switch (v.kind) {
      case Verdict::Kind::delivered:
        log(who(l) + ": delivered (HTTP " + std::to_string(resp.status) + ")");
        if (opt_.observer) opt_.observer->part_accepted(l, r.next);
        r.ids.push_back(leg.service->message_id(leg.requests[r.next], resp));
        ++r.next;
        r.retries_used = 0;
        r.plain_tried = false;
        if (r.next == leg.requests.size()) return done(l, LegState::delivered);
        return send(l);
      case Verdict::Kind::resend_plain:
        if (!r.plain_tried) {
          if (auto p = leg.service->plain(leg.requests[r.next])) {
            const std::string note = leg.service->plain_note(leg.requests[r.next]);
            r.plain_tried = true;
            leg.requests[r.next] = std::move(*p);
            log("warning: " + who(l) + ": " +
                (note.empty() ? "the service rejected the formatting (" + v.error +
                                    "); resending as plain text"
                              : note + " (" + v.error + ")"));
            return send(l);
          }
        }
        return fail(l, v.error, v.hint, true);
      case Verdict::Kind::post_anew:
        // Once per part: what is posted anew is not an edit any more.
        if (r.next < leg.anew.size() && !leg.anew[r.next].method.empty()) {
          log("warning: " + who(l) + ": cannot edit the message (" + v.error +
              "); posting it anew");
          leg.requests[r.next] = std::exchange(leg.anew[r.next], HttpRequest{"", "", {}, "", std::nullopt});
          return send(l);
        }
        return fail(l, v.error, v.hint, true);
      case Verdict::Kind::retry:
        if (r.retries_used < leg.profile->retries && !stopping()) {
          ++r.retries_used;
          const double rnd = opt_.random01 ? opt_.random01() : 0.5;
          const auto d = retry_delay(opt_.policy, r.retries_used, v.retry_after, rnd);
          log(who(l) + ": " + v.error + "; retrying in " + std::to_string(d.delay.count()) +
              " ms" +
              (v.retry_after ? " (server asked " + std::to_string(v.retry_after->count()) + " ms" +
                                   (d.capped ? ", capped" : "") + ")"
                             : ""));
          r.error = v.error;
          r.hint = v.hint;
          r.wake = clock_.now() + d.delay;
          if (opt_.observer) opt_.observer->waiting();
          return;
        }
        if (stopping()) r.stopped = true;
        return fail(l, v.error + (stopping() ? " (not retried: notify is stopping)"
                                             : " (gave up after " +
                                                   count_of(std::size_t(r.retries_used) + 1, "attempt", "attempts") + ")"),
                    v.hint, false);
      case Verdict::Kind::fail:
        return fail(l, v.error, v.hint, true);
    }
  }

  void fail(std::size_t l, const std::string& error, const std::string& hint, bool permanent) {
    auto& r = runs_[l];
    log(who(l) + ": failed: " + error);
    r.error = error;
    r.hint = hint;
    r.permanent = permanent;
    done(l, LegState::failed);
  }

  void done(std::size_t l, LegState state) {
    auto& r = runs_[l];
    r.state = state;
    r.wake.reset();
    auto waiting = std::move(r.waiting);
    r.waiting.clear();
    for (const auto t : waiting) advance(t);
  }

  std::vector<Leg>& legs_;
  const std::vector<Plan>& plans_;
  HttpClient& client_;
  const EngineOptions& opt_;
  const notify::Clock& clock_;
  std::vector<LegRun> runs_;
  std::vector<TargetRun> targets_;
  std::optional<Clock::time_point> stop_at_;
};

}  // namespace

std::vector<Outcome> deliver(std::vector<Leg>& legs, const std::vector<Plan>& plans,
                             HttpClient& client, const EngineOptions& options) {
  return Engine(legs, plans, client, options).go();
}

}  // namespace notify::delivery
