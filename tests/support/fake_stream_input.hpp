#pragma once
// --stream's input for in-process tests: the test hands it chunks (and the
// end, a read error, a --tee failure) and waits until the stream's reading
// thread has taken them. Its waits go through the FakeClock, so a deadline
// passes only when the test (or a FakeHttpClient) moves the clock.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "app/stream.hpp"
#include "support/fake_world.hpp"

namespace notify::test {

class FakeStreamInput final : public app::StreamInput {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  explicit FakeStreamInput(const FakeClock& clock) : clock_(clock) {}

  // --- The test's side ---
  void feed(std::string bytes) {
    app::InputRead r;
    r.kind = app::InputRead::Kind::data;
    r.bytes = std::move(bytes);
    give(std::move(r));
  }
  /// The --tee copy fails (strerror's words) as this chunk is copied.
  void feed_tee_failing(std::string bytes, std::string why) {
    app::InputRead r;
    r.kind = app::InputRead::Kind::data;
    r.bytes = std::move(bytes);
    r.tee_failed = std::move(why);
    give(std::move(r));
  }
  /// A stop: the copy gives up, and the input ends after what was given.
  void stop() {
    app::InputRead r;
    r.tee_stopped = true;
    give(std::move(r));
  }
  void fail(std::string why) {
    app::InputRead r;
    r.kind = app::InputRead::Kind::failed;
    r.error = std::move(why);
    give(std::move(r));
  }
  void end() { give(app::InputRead{}); }

  /// Blocks until the reading thread has taken all that was given and
  /// waits for more (its deadline not yet reached), or has read the end.
  void wait_idle() {
    std::unique_lock lk(mu_);
    idle_.wait(lk, [&] {
      return done_ || (waiting_ && queue_.empty() && (!until_ || clock_.now() < *until_));
    });
  }
  bool abandoned() const {
    std::lock_guard lk(mu_);
    return abandoned_;
  }

  // --- The stream's side ---
  app::InputRead read(std::optional<time_point> until) override {
    std::unique_lock lk(mu_);
    for (;;) {
      if (abandoned_ || done_) return end_read();
      if (!queue_.empty()) {
        auto r = std::move(queue_.front());
        queue_.pop_front();
        if (r.kind == app::InputRead::Kind::end || r.kind == app::InputRead::Kind::failed) {
          done_ = true;
          idle_.notify_all();
        }
        return r;
      }
      if (until && clock_.now() >= *until) {
        app::InputRead r;
        r.kind = app::InputRead::Kind::timeout;
        return r;
      }
      waiting_ = true;
      until_ = until;
      idle_.notify_all();
      clock_.wait(lk, more_, until);
      waiting_ = false;
    }
  }
  void abandon() override {
    std::lock_guard lk(mu_);
    abandoned_ = true;
    more_.notify_all();
  }

 private:
  void give(app::InputRead r) {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(r));
    more_.notify_all();
  }
  app::InputRead end_read() {
    done_ = true;
    idle_.notify_all();
    return app::InputRead{};
  }

  const FakeClock& clock_;
  mutable std::mutex mu_;
  std::condition_variable more_;
  std::condition_variable idle_;
  std::deque<app::InputRead> queue_;
  bool waiting_ = false;
  std::optional<time_point> until_;
  bool done_ = false;
  bool abandoned_ = false;
};

}  // namespace notify::test
