#pragma once
// In-process fakes of the application layer's world: a clock that moves
// only when the code waits, an HTTP client that answers from a script, and
// randomness that is the same every run. No test that uses them sleeps.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/http.hpp"

namespace notify::test {

class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  std::int64_t unix_seconds() const override {
    return unix_start_ + std::chrono::duration_cast<std::chrono::seconds>(now_ - start_).count();
  }
  void advance(std::chrono::milliseconds d) { now_ += d; }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - start_);
  }
  void set_unix(std::int64_t t) { unix_start_ = t - (unix_seconds() - unix_start_); }

 private:
  std::chrono::steady_clock::time_point start_{std::chrono::hours(1)};
  std::chrono::steady_clock::time_point now_ = start_;
  std::int64_t unix_start_ = 1764561600;  // 2025-12-01 04:00 UTC
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

inline HttpResponse status_reply(long s) {
  HttpResponse r;
  r.status = s;
  return r;
}

}  // namespace notify::test
