#pragma once
// Shared fixture for end-to-end tests: the real notify binary as a
// subprocess, an isolated HOME, and fake services on 127.0.0.1.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "support/fake_server.hpp"
#include "support/fake_services.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace notify::test {

constexpr const char* kTgToken = "123456789:TEST-fake-token";
constexpr const char* kLineToken = "line-test-channel-token";
constexpr const char* kLineTo = "U0123456789abcdef0123456789abcdef";

/// One step of a conversation on a terminal (E2E::converse): wait for
/// `when` on stderr, then type `type` (Ctrl-C and Ctrl-D as "\x03", "\x04").
struct Say {
  std::string when;
  std::string type;
};

class E2E : public ::testing::Test {
 protected:
  TempDir home{"notify-e2e"};

  /// XDG_STATE_HOME for runs that use the spool, and the spool in it.
  std::string state() const { return (home / "state").string(); }
  std::string spool_dir() const { return state() + "/notify/spool"; }
  /// Messages waiting in the spool, and dead letters in its failed/.
  std::size_t pending() const { return messages_in(spool_dir()); }
  std::size_t failed() const { return messages_in(spool_dir() + "/failed"); }
  static std::size_t messages_in(const std::string& dir) {
    std::size_t n = 0;
    if (!std::filesystem::exists(dir)) return 0;
    for (auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".msg";
    return n;
  }

  /// Writes the profile file (mode 0600) and returns its path.
  std::string config(const std::string& toml, unsigned mode = 0600) {
    return home.write_file("profiles.toml", toml, mode).string();
  }

  /// Runs build/notify with an isolated environment.
  RunResult notify(std::vector<std::string> args, std::optional<std::string> input = std::nullopt,
                   std::vector<std::pair<std::string, std::optional<std::string>>> env = {}) {
    RunOptions o;
    o.isolate(home.path());
    for (auto& [k, v] : env) o.set_env(k, v);
    o.stdin_data = std::move(input);
    o.timeout = std::chrono::seconds(60);
    args.insert(args.begin(), NOTIFY_BINARY);
    return run_process(args, o);
  }

  /// Runs build/notify with a pseudo-terminal as stdin (isolated, plus
  /// `env`), answering each question as it comes: a program that throws
  /// away what was typed ahead is driven as a person would. A step whose
  /// question never comes fails the test and ends the run.
  RunResult converse(std::vector<std::string> args, const std::vector<Say>& steps,
                     std::vector<std::pair<std::string, std::optional<std::string>>> env = {}) {
    RunOptions o;
    o.isolate(home.path());
    // Whatever a bug sends past the fakes goes nowhere, never to the internet.
    o.set_env("https_proxy", "http://127.0.0.1:9");
    for (auto& [k, v] : env) o.set_env(k, v);
    o.stdin_tty = true;
    o.timeout = std::chrono::seconds(90);
    args.insert(args.begin(), NOTIFY_BINARY);
    auto child = spawn(args, o);
    for (const auto& step : steps) {
      if (!child.wait_for_err(step.when)) {
        ADD_FAILURE() << "never saw \"" << step.when << "\"";
        child.signal(SIGKILL);
        break;
      }
      child.type(step.type);
    }
    auto r = child.wait();
    EXPECT_FALSE(r.timed_out);
    return r;
  }

  /// One profile of each service, pointing at the given servers, under
  /// these [defaults].
  static std::string four_profiles(const FakeServer& mm, const FakeServer& tg,
                                   const FakeServer& line, const FakeServer& dc,
                                   const std::string& defaults = "retries = 1\ntimeout = 5\n") {
    return "[defaults]\n" + defaults + "\n"
           "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(mm) +
           "\"\n\n[profiles.me]\ntype = \"telegram\"\ntoken = \"" + kTgToken +
           "\"\nchat_id = 111111111\napi_base = \"" + tg.base_url() +
           "\"\n\n[profiles.family]\ntype = \"line\"\ntoken = \"" + kLineToken +
           "\"\nto = \"" + kLineTo + "\"\napi_base = \"" + line.base_url() +
           "\"\n\n[profiles.dev]\ntype = \"discord\"\nwebhook_url = \"" + discord_url(dc) +
           "\"\n\n[groups]\nall = [\"ops\", \"me\", \"family\", \"dev\"]\n";
  }
};

/// E2E with one fake server per service and a profile file for all four
/// (ops, me, family, dev; group all) at `path`.
class FourServicesE2E : public E2E {
 protected:
  FakeServer mm, tg, line, dc;
  std::string path;
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    tg.set_handler(telegram_handler());
    line.set_handler(line_handler());
    dc.set_handler(discord_handler());
    path = config(four_profiles(mm, tg, line, dc));
  }
};

/// The message text a fake service received in request i, whatever its shape.
inline std::vector<std::string> texts_of(const Recorded& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  if (j.contains("text")) out.push_back(j["text"]);
  if (j.contains("content")) out.push_back(j["content"]);
  if (j.contains("messages"))
    for (auto& m : j["messages"]) out.push_back(m["text"]);
  return out;
}

// A TZ in which the local clock now reads `hh:mm:ss` (fixed offset, no
// daylight saving time). POSIX counts offsets west of Greenwich as positive.
inline std::string tz_where_now_is(int hh, int mm, int ss) {
  const std::int64_t now = std::time(nullptr);
  const std::int64_t utc_of_day = now % 86400;
  std::int64_t east = (hh * 3600 + mm * 60 + ss - utc_of_day) % 86400;
  if (east < -43200) east += 86400;
  if (east >= 43200) east -= 86400;
  const std::int64_t west = -east;
  const std::int64_t a = west < 0 ? -west : west;
  char buf[48];
  std::snprintf(buf, sizeof buf, "QTZ%s%02lld:%02lld:%02lld", west < 0 ? "-" : "+",
                static_cast<long long>(a / 3600), static_cast<long long>(a / 60 % 60),
                static_cast<long long>(a % 60));
  return buf;
}

}  // namespace notify::test
