#pragma once
// In-process fakes of the application layer's world: a clock that moves
// only when the code waits, an HTTP client that answers from a script, and
// randomness that is the same every run. No test that uses them sleeps.

#include <ctime>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/http.hpp"

namespace notify::test {

/// Thread-safe: --stream's reader and sender read it while a FakeHttpClient
/// moves it. A wait() lasts until the test (or a FakeHttpClient's idle poll)
/// moves the clock to its deadline, or its condition variable is notified;
/// with jump_to_deadlines, a wait with a deadline moves the clock there at
/// once, as a real sleep would have.
class FakeClock final : public Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  time_point now() const override { return now_.load(); }
  std::int64_t unix_seconds() const override {
    return unix_start_ + std::chrono::duration_cast<std::chrono::seconds>(now() - start_).count();
  }
  void advance(std::chrono::milliseconds d) { move_to(now() + d); }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now() - start_);
  }
  void set_unix(std::int64_t t) { unix_start_ = t - (unix_seconds() - unix_start_); }
  void jump_to_deadlines(bool on) { jump_ = on; }
  /// Local time's offset from UTC at an instant (quiet hours); unset: UTC,
  /// whatever the test process's TZ says.
  std::function<std::int64_t(std::int64_t)> zone;
  std::int64_t utc_offset(std::int64_t unix) const override { return zone ? zone(unix) : 0; }

  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            std::optional<time_point> until) const override {
    if (until && now() >= *until) return;
    if (until && jump_) {
      lock.unlock();  // move_to takes every waiter's lock
      move_to(*until);
      lock.lock();
      return;
    }
    // `lock` is held from the caller's check of its condition to cv.wait,
    // and move_to notifies under each waiter's lock: no wake-up is lost.
    const auto me = std::make_shared<Waiter>(Waiter{lock.mutex(), &cv, 0});
    {
      std::lock_guard r(registry_);
      waiters_.push_back(me);
    }
    if (!until || now() < *until) cv.wait(lock);
    // Out of the registry once no move_to is notifying us, without our lock
    // held (move_to takes it): the caller may destroy the mutex after.
    lock.unlock();
    {
      std::unique_lock r(registry_);
      idle_.wait(r, [&] { return me->notifying == 0; });
      waiters_.erase(std::find(waiters_.begin(), waiters_.end(), me));
    }
    lock.lock();
  }

 private:
  struct Waiter {
    std::mutex* mutex;
    std::condition_variable* cv;
    int notifying;  // move_to calls under way (under registry_)
  };

  // Later only: time never goes back. Const: a wait() may move it. Never
  // called with a waiter's lock held (it takes them).
  void move_to(time_point t) const {
    std::vector<std::shared_ptr<Waiter>> wake;
    {
      std::lock_guard r(registry_);
      if (t <= now_.load()) return;
      now_.store(t);
      wake = waiters_;
      for (auto& w : wake) ++w->notifying;
    }
    for (auto& w : wake) {
      {
        std::lock_guard g(*w->mutex);
        w->cv->notify_all();
      }
      std::lock_guard r(registry_);
      --w->notifying;
      idle_.notify_all();
    }
  }

  time_point start_{std::chrono::hours(1)};
  mutable std::atomic<time_point> now_{start_};
  std::int64_t unix_start_ = 1764561600;  // 2025-12-01 04:00 UTC
  std::atomic<bool> jump_{false};
  mutable std::mutex registry_;
  mutable std::condition_variable idle_;
  mutable std::vector<std::shared_ptr<Waiter>> waiters_;
};

class FakeRandom final : public Random {
 public:
  std::string uuid4() override {
    unsigned char b[16] = {};
    const auto n = ++count_;
    for (int i = 0; i < 8; ++i) b[15 - i] = static_cast<unsigned char>(n >> (8 * i));
    return uuid4_from_bytes(b);
  }
  double unit() override { return jitter; }
  double jitter = 0.0;  ///< 0: retries go out at once unless the server asks
 private:
  unsigned long long count_ = 0;
};

/// Answers every started transfer on the next poll: by a per-URL script
/// (FIFO; the last reply repeats; default 200), or by `respond` if set. An
/// idle poll moves the clock by the whole wait, as a real sleep would.
class FakeHttpClient final : public HttpClient {
 public:
  explicit FakeHttpClient(FakeClock* clock = nullptr) : clock_(clock) {}

  std::map<std::string, std::deque<HttpResponse>> script;
  std::function<HttpResponse(const HttpRequest&)> respond;
  /// Called at each poll before answering; may e.g. raise a stop flag.
  std::function<void()> on_poll;
  std::vector<HttpRequest> sent;
  int polls = 0;
  int idle_polls = 0;
  /// Transfers are answered only when this is true (to hold them in flight).
  bool answering = true;

  void start(HttpRequest req, RequestOptions, Handler done) override {
    sent.push_back(req);
    pending_.emplace_back(std::move(req), std::move(done));
  }
  std::size_t poll(std::chrono::milliseconds max_wait, int) override {
    ++polls;
    if (on_poll) on_poll();
    if (pending_.empty() || !answering) {
      ++idle_polls;
      if (clock_) clock_->advance(max_wait);
      return pending_.size();
    }
    auto batch = std::move(pending_);
    pending_.clear();
    for (auto& [req, done] : batch) done(answer(req));
    return pending_.size();
  }
  void cancel_all() override { pending_.clear(); }
  std::size_t in_flight() const { return pending_.size(); }

 private:
  HttpResponse answer(const HttpRequest& req) {
    if (respond) return respond(req);
    auto& q = script[req.url];
    HttpResponse r;
    r.status = 200;
    if (!q.empty()) {
      r = q.front();
      if (q.size() > 1) q.pop_front();
    }
    return r;
  }

  FakeClock* clock_;
  std::vector<std::pair<HttpRequest, Handler>> pending_;
};

// Unix seconds of a UTC calendar time, for tests that set a clock to one.
inline std::int64_t utc_at(int year, int month, int day, int hour, int minute) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  return static_cast<std::int64_t>(::timegm(&tm));
}

inline HttpResponse status_reply(long s) {
  HttpResponse r;
  r.status = s;
  return r;
}

}  // namespace notify::test
