#include "support/fake_heartbeat.hpp"

#include <charconv>
#include <cstdlib>
#include <mutex>

namespace notify::test {

namespace {

bool is_canonical_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

struct FakeHealthchecks::State {
  HealthchecksOptions options;
  mutable std::mutex mutex;
  std::vector<HealthchecksPing> pings;
};

FakeHealthchecks::FakeHealthchecks(HealthchecksOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<HealthchecksPing> FakeHealthchecks::pings() const {
  std::lock_guard lock(state_->mutex);
  return state_->pings;
}

std::string FakeHealthchecks::ping_url(const FakeServer& server) const {
  return server.base_url() + "/ping/" + state_->options.uuid;
}

Handler FakeHealthchecks::handler() const {
  return [state = state_](const Recorded& r) -> Reply {
    const auto& o = state->options;
    const std::string base = "/ping/" + o.uuid;
    if (r.method != "GET" && r.method != "POST" && r.method != "HEAD")
      return text_reply(405, "method not allowed");
    if (r.path.rfind(base, 0) != 0 || (r.path.size() > base.size() && r.path[base.size()] != '/'))
      return text_reply(404, "not found");
    HealthchecksPing ping;
    ping.method = r.method;
    const std::string suffix = r.path.substr(base.size());
    if (suffix.empty()) {
      ping.kind = "success";
    } else if (suffix == "/start" || suffix == "/fail" || suffix == "/log") {
      ping.kind = suffix.substr(1);
    } else {
      const std::string digits = suffix.substr(1);
      int n = -1;
      const auto* end = digits.data() + digits.size();
      if (digits.empty() || digits.size() > 3 || std::from_chars(digits.data(), end, n).ptr != end ||
          n < 0 || n > 255)
        return text_reply(400, "invalid url format");
      ping.kind = "exit";
      ping.exit_status = n;
    }
    if (const auto rid = r.query_param("rid")) {
      if (!is_canonical_uuid(*rid)) return text_reply(400, "invalid uuid format");
      ping.rid = *rid;
    }
    ping.body_sent = r.body.size();
    ping.body = r.body.substr(0, o.body_limit);
    {
      std::lock_guard lock(state->mutex);
      state->pings.push_back(std::move(ping));
    }
    Reply ok = text_reply(200, "OK");
    ok.headers.push_back({"Ping-Body-Limit", std::to_string(o.body_limit)});
    ok.headers.push_back({"Access-Control-Allow-Origin", "*"});
    return ok;
  };
}

struct FakeUptimeKuma::State {
  UptimeKumaOptions options;
  mutable std::mutex mutex;
  std::vector<UptimeKumaPush> pushes;
};

FakeUptimeKuma::FakeUptimeKuma(UptimeKumaOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<UptimeKumaPush> FakeUptimeKuma::pushes() const {
  std::lock_guard lock(state_->mutex);
  return state_->pushes;
}

std::string FakeUptimeKuma::push_url(const FakeServer& server) const {
  return server.base_url() + "/api/push/" + state_->options.token;
}

Handler FakeUptimeKuma::handler() const {
  return [state = state_](const Recorded& r) -> Reply {
    if (r.path != "/api/push/" + state->options.token)
      return json_reply(404, R"({"ok":false,"msg":"Monitor not found or not active."})");
    UptimeKumaPush push;
    push.method = r.method;
    push.status = r.query_param("status").value_or("up");
    push.msg = r.query_param("msg").value_or("OK");
    if (const auto ping = r.query_param("ping"); ping && !ping->empty()) {
      char* end = nullptr;
      const double v = std::strtod(ping->c_str(), &end);
      if (end != ping->c_str() + ping->size() || v < 0 || v > 1e11)
        return json_reply(200, R"({"ok":false,"msg":"Invalid ping value"})");
      push.ping = v;
    }
    std::lock_guard lock(state->mutex);
    state->pushes.push_back(std::move(push));
    return json_reply(200, R"({"ok":true})");
  };
}

}  // namespace notify::test
