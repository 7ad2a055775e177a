// The generic webhook through the real binary against a recording
// FakeServer: the body template as the endpoint receives it, PUT, custom
// headers (a ${VAR} one never printed), non-JSON bodies, splitting in each
// unit, 2xx variants, 429/4xx/5xx, --dry-run/list masking, setup, and the
// loader's one-line refusals.

#include <unistd.h>

#include <array>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kHookPathSecret = "/in/hookSecret0123456789";
constexpr const char* kHeaderSecret = "Bearer hdrSecret-abc123";

class WebhookE2E : public E2E {
 protected:
  FakeServer server;  // records every request; answers 200 "{}" unless told
  std::string path;

  void SetUp() override { path = config(profiles()); }
  std::string url() const { return server.base_url() + kHookPathSecret; }
  std::string profiles(const std::string& extra = "") const {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.hook]\ntype = \"webhook\"\nurl = \"" +
           url() + "\"\n" + extra;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt,
                std::vector<std::pair<std::string, std::optional<std::string>>> env = {}) {
    args.insert(args.begin(), {"-c", path});
    env.emplace_back("XDG_STATE_HOME", state());
    return notify(args, input, env);
  }
  static void expect_no_secret(const RunResult& r) {
    for (const auto* text : {&r.out, &r.err}) {
      EXPECT_THAT(*text, Not(HasSubstr("hookSecret")));
      EXPECT_THAT(*text, Not(HasSubstr("hdrSecret")));
    }
  }
};

TEST_F(WebhookE2E, the_default_body_is_json_with_the_title_and_the_text_escaped) {
  auto r = run({"hook", "--title", "say \"hi\""}, std::string("a\\b \"q\"\n\ttab {{title}} }}\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(server.request_count(), 1u);
  const auto req = server.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, kHookPathSecret);
  EXPECT_EQ(req.header("content-type"), "application/json");
  const auto j = nlohmann::json::parse(req.body);
  EXPECT_EQ(j, nlohmann::json({{"title", "say \"hi\""}, {"text", "a\\b \"q\"\n\ttab {{title}} }}"}}));
}

TEST_F(WebhookE2E, put_custom_headers_and_every_placeholder_arrive) {
  path = config(profiles(
      "method = \"PUT\"\nbody = '{\"p\": \"{{priority}}\", \"h\": \"{{host}}\", \"k\": \"{{key}}\", "
      "\"n\": \"{{part}}/{{parts}}\", \"t\": \"{{text}}\"}'\n"
      "[profiles.hook.headers]\nAuthorization = \"${HOOK_AUTH}\"\nX-Team = \"ops\"\n"));
  auto r = run({"--key", "disk", "--priority", "high", "hook", "91%"}, std::nullopt,
               {{"HOOK_AUTH", kHeaderSecret}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(server.request_count(), 1u);
  const auto req = server.requests()[0];
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.header("authorization"), kHeaderSecret);
  EXPECT_EQ(req.header("x-team"), "ops");
  std::array<char, 256> host{};
  ASSERT_EQ(gethostname(host.data(), host.size() - 1), 0);
  EXPECT_EQ(nlohmann::json::parse(req.body),
            nlohmann::json({{"p", "high"}, {"h", host.data()}, {"k", "disk"}, {"n", "1/1"}, {"t", "91%"}}));
  expect_no_secret(r);
}

TEST_F(WebhookE2E, each_level_reaches_the_body_as_its_word_and_only_where_it_is_named) {
  path = config(profiles("body = '{\"p\": \"{{priority}}\"}'\n"));
  for (const char* level : {"low", "normal", "high", "urgent"}) {
    server.reset();
    ASSERT_EQ(run({"hook", "--priority", level, "x"}).exit_code, 0) << level;
    ASSERT_EQ(server.request_count(), 1u);
    EXPECT_EQ(nlohmann::json::parse(server.requests()[0].body)["p"], level);
  }
  path = config(profiles());
  server.reset();
  ASSERT_EQ(run({"hook", "--priority", "urgent", "x"}).exit_code, 0);
  ASSERT_EQ(run({"hook", "--priority", "low", "x"}).exit_code, 0);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
}

TEST_F(WebhookE2E, a_spooled_message_keeps_its_key_for_the_flush) {
  path = config(profiles("body = '{\"k\": \"{{key}}\", \"t\": \"{{text}}\"}'\n"));
  server.set_handler([](const Recorded&) { return server_error(503); });
  auto r = run({"--key", "nightly", "hook", "late"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(pending(), 1u);
  server.reset();
  server.set_handler([](const Recorded&) { return json_reply(200, "{}"); });
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(nlohmann::json::parse(server.requests()[0].body),
            nlohmann::json({{"k", "nightly"}, {"t", "late"}}));
}

TEST_F(WebhookE2E, a_header_from_a_variable_is_masked_in_dry_run_and_never_printed) {
  path = config(profiles("headers = { Authorization = \"${HOOK_AUTH}\", X-Short = \"abc\" }\n"));
  auto r = run({"--dry-run", "-v", "hook", "hello"}, std::nullopt, {{"HOOK_AUTH", kHeaderSecret}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Authorization: ***"));
  EXPECT_THAT(r.out, HasSubstr("X-Short: ***"));
  EXPECT_THAT(r.out, HasSubstr("POST " + server.base_url() + "/***"));
  EXPECT_THAT(r.out, HasSubstr("hello"));
  EXPECT_EQ(server.request_count(), 0u);
  expect_no_secret(r);
  // An endpoint that quotes the header back in its refusal.
  server.push_reply(text_reply(401, std::string("bad credentials: ") + kHeaderSecret + "\nmore"));
  auto refused = run({"hook", "x"}, std::nullopt, {{"HOOK_AUTH", kHeaderSecret}});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("bad credentials"));
  EXPECT_THAT(refused.err, Not(HasSubstr("more")));
  expect_no_secret(refused);
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto l = run(args);
    EXPECT_EQ(l.exit_code, 0) << l.err;
    EXPECT_THAT(l.out, HasSubstr("webhook"));
    EXPECT_THAT(l.out, HasSubstr(server.base_url() + "/***"));
    expect_no_secret(l);
  }
}

TEST_F(WebhookE2E, a_variable_inside_a_header_is_masked_alone_and_json_quoted) {
  // The README's pattern: the token is part of the value, and the server
  // quotes the token alone, or JSON-escaped.
  constexpr const char* kToken = "tok\"en\\Secret4242";
  path = config(profiles("headers = { Authorization = \"Bearer ${HOOK_TOKEN}\" }\n"));
  server.push_reply(json_reply(401, std::string("{\"error\": \"invalid token tok\\\"en\\\\Secret4242\"}")));
  server.push_reply(text_reply(401, std::string("invalid token ") + kToken));
  for (int i = 0; i < 2; ++i) {
    auto r = run({"hook", "x"}, std::nullopt, {{"HOOK_TOKEN", kToken}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("invalid token"));
    EXPECT_THAT(r.err, Not(HasSubstr("Secret4242")));
  }
  auto spool = run({"spool", "list"});
  EXPECT_THAT(spool.out + spool.err, Not(HasSubstr("Secret4242")));
}

TEST_F(WebhookE2E, a_non_json_content_type_gets_the_values_as_they_are) {
  path = config(profiles("content_type = \"text/plain\"\nbody = \"{{title}}: {{text}}\"\n"));
  auto r = run({"hook", "--title", "T", "a \"b\"\\c"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.requests()[0].header("content-type"), "text/plain");
  EXPECT_EQ(server.requests()[0].body, "T: a \"b\"\\c");
}

TEST_F(WebhookE2E, long_text_splits_within_max_length_in_each_unit) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "zeile " + std::to_string(i) + " ä 😀 中\n";
  for (const auto& [unit, per_char] : {std::pair{"characters", 0}, std::pair{"bytes", 1}, std::pair{"utf16", 2}}) {
    SCOPED_TRACE(unit);
    server.reset();
    path = config(profiles(std::string("max_length = 80\nunit = \"") + unit +
                           "\"\nmax_parts = 100\nbody = '{\"n\": \"{{part}}/{{parts}}\", \"t\": \"{{text}}\"}'\n"));
    auto r = run({"hook"}, body);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto reqs = server.requests();
    ASSERT_GT(reqs.size(), 3u);
    std::string joined;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const auto j = nlohmann::json::parse(reqs[i].body);
      const std::string text = j["t"];
      std::size_t length = 0;
      for (std::size_t k = 0; k < text.size(); ++k) {
        const auto c = static_cast<unsigned char>(text[k]);
        if (per_char == 1) ++length;
        else if ((c & 0xC0) != 0x80) length += per_char == 2 && c >= 0xF0 ? 2 : 1;
      }
      EXPECT_LE(length, 80u) << text;
      EXPECT_EQ(j["n"], std::to_string(i + 1) + "/" + std::to_string(reqs.size()));
      joined += text;
    }
    std::string compact = body;
    std::erase(compact, '\n');
    std::erase(joined, '\n');
    EXPECT_EQ(joined, compact);
  }
}

TEST_F(WebhookE2E, every_2xx_is_success_429_is_retried_after_its_wait_5xx_spooled_4xx_dead) {
  for (int status : {200, 201, 202, 204}) {
    server.reset();
    server.push_reply(text_reply(status, ""));
    EXPECT_EQ(run({"hook", "x"}).exit_code, 0) << status;
  }
  server.reset();
  Reply limited = text_reply(429, "slow down");
  limited.headers.emplace_back("Retry-After", "1");
  server.push_reply(limited);
  auto r = run({"-v", "--retries", "1", "hook", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));
  EXPECT_EQ(server.request_count(), 2u);

  server.reset();
  server.push_reply(text_reply(500, "oops"));
  server.push_reply(text_reply(502, "oops"));
  auto spooled = run({"--retries", "1", "hook", "later"});
  EXPECT_EQ(spooled.exit_code, 1);
  EXPECT_EQ(pending(), 1u);
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  EXPECT_EQ(pending(), 0u);

  server.reset();
  server.push_reply(text_reply(422, "text is required\nsecond line"));
  auto dead = run({"--retries", "2", "hook", "x"});
  EXPECT_EQ(dead.exit_code, 1);
  EXPECT_THAT(dead.err, HasSubstr("HTTP 422: text is required"));
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(failed(), 1u);
  expect_no_secret(dead);
}

TEST_F(WebhookE2E, configuration_mistakes_are_one_line_and_exit_2) {
  const std::pair<std::string, std::string> cases[] = {
      {"body = '{\"t\": \"{{txt}}\"}'\n", "{{txt}}"},
      {"method = \"GET\"\n", "POST or PUT"},
      {"unit = \"words\"\n", "utf16"},
      {"headers = { \"Bad Name\" = \"x\" }\n", "headers.Bad Name"},
      {"headers = { X-A = \"a\\r\\nX-Injected: 1\" }\n", "line break"},
  };
  for (const auto& [extra, said] : cases) {
    SCOPED_TRACE(extra);
    path = config(profiles(extra));
    auto r = run({"hook", "x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr(said));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // A variable that smuggles a line break is refused when it is resolved,
  // as every ${VAR} secret is: that target fails (exit 1), its message kept.
  path = config(profiles("headers = { X-A = \"${EVIL}\" }\n"));
  auto r = run({"hook", "x"}, std::nullopt, {{"EVIL", "a\r\nX-Injected: 1"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("'headers.X-A': holds a line break"));
  EXPECT_THAT(r.err, Not(HasSubstr("Injected")));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(WebhookE2E, setup_writes_a_profile_that_delivers_and_lists_masked) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "relay", "--type", "webhook", "--url", url(), "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"relay", "from setup"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(nlohmann::json::parse(server.requests()[0].body)["text"], "from setup");
  auto listed = in_cfg({"list"});
  EXPECT_THAT(listed.out, HasSubstr("relay"));
  expect_no_secret(listed);
}

}  // namespace
}  // namespace notify::test
