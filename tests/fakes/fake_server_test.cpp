// Self-tests of the test support code: the fakes must behave as documented,
// or every test built on them proves nothing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <future>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_server.hpp"
#include "support/fake_services.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace notify::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

httplib::Client client_for(const FakeServer& server) {
  httplib::Client c(server.base_url());
  c.set_connection_timeout(5);
  c.set_read_timeout(10);
  return c;
}

// curl with the given extra arguments; out holds the body, the exit code is curl's.
RunResult curl(std::vector<std::string> args) {
  args.insert(args.begin(), {"curl", "-sS", "--noproxy", "*", "--max-time", "10"});
  RunOptions o;
  o.timeout = 20s;
  return run_process(args, o);
}

TEST(FakeServerTest, records_request_details) {
  FakeServer server;
  auto c = client_for(server);
  auto res = c.Post("/hooks/abc?x=1&y=a%20b", {{"X-Custom", "Value"}}, R"({"text":"hi"})",
                    "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{}");

  ASSERT_EQ(server.requests().size(), 1u);
  const Recorded r = server.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/hooks/abc");
  EXPECT_EQ(r.query, "x=1&y=a%20b");
  EXPECT_EQ(r.query_param("y"), "a b");
  EXPECT_EQ(r.body, R"({"text":"hi"})");
  EXPECT_EQ(r.header("x-custom"), "Value");
  EXPECT_EQ(r.header("X-CUSTOM"), "Value");
  EXPECT_EQ(r.header("content-type"), "application/json");
  for (const auto& [k, v] : r.headers)
    EXPECT_EQ(k.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos) << k;
  EXPECT_FALSE(r.header("remote_addr"));
}

TEST(FakeServerTest, scripted_replies_are_used_in_order_then_the_handler) {
  FakeServer server;
  server.set_handler([](const Recorded& r) { return text_reply(201, "handled " + r.path); });
  server.push_reply(text_reply(500, "first"));
  Reply second = json_reply(429, R"({"n":2})");
  second.headers.emplace_back("Retry-After", "3");
  server.push_reply(second);

  auto c = client_for(server);
  auto r1 = c.Get("/a");
  auto r2 = c.Get("/b");
  auto r3 = c.Get("/c");
  ASSERT_TRUE(r1 && r2 && r3);
  EXPECT_EQ(r1->status, 500);
  EXPECT_EQ(r1->body, "first");
  EXPECT_EQ(r2->status, 429);
  EXPECT_EQ(r2->get_header_value("Retry-After"), "3");
  EXPECT_EQ(r2->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r3->status, 201);
  EXPECT_EQ(r3->body, "handled /c");
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(FakeServerTest, delay_does_not_block_other_connections) {
  FakeServer server;
  Reply slow = text_reply(200, "slow");
  slow.delay = 1500ms;
  server.push_reply(slow);

  const auto start = std::chrono::steady_clock::now();
  auto slow_call = std::async(std::launch::async, [&] {
    auto c = client_for(server);
    auto res = c.Get("/slow");
    return res ? res->body : std::string("error");
  });
  ASSERT_TRUE(server.wait_for_requests(1, 5s));
  // Several fast requests on fresh connections while the slow one is pending.
  std::vector<std::future<int>> fast;
  for (int i = 0; i < 8; ++i)
    fast.push_back(std::async(std::launch::async, [&] {
      auto c = client_for(server);
      auto res = c.Get("/fast");
      return res ? res->status : -1;
    }));
  for (auto& f : fast) EXPECT_EQ(f.get(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
  EXPECT_EQ(slow_call.get(), "slow");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST(FakeServerTest, latency_applies_to_every_reply) {
  FakeServer server;
  server.set_latency(300ms);
  auto c = client_for(server);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Get("/x"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST(FakeServerTest, drop_gives_curl_empty_reply) {
  FakeServer server;
  server.push_reply(dropped_reply());
  const auto r = curl({"-o", "/dev/null", "-d", "{}", server.base_url() + "/x"});
  EXPECT_EQ(r.exit_code, 52) << r.err;  // CURLE_GOT_NOTHING: "Empty reply from server"
  EXPECT_EQ(server.request_count(), 1u);

  // The server keeps working afterwards.
  const auto ok = curl({server.base_url() + "/y"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "{}");
}

TEST(FakeServerTest, drop_gives_httplib_client_an_error) {
  FakeServer server;
  server.set_handler([](const Recorded&) { return dropped_reply(); });
  auto c = client_for(server);
  auto res = c.Post("/x", "{}", "application/json");
  EXPECT_FALSE(res);
}

TEST(FakeServerTest, delayed_drop_lets_a_parallel_request_succeed) {
  FakeServer server;
  Reply r = dropped_reply();
  r.delay = 500ms;
  server.push_reply(r);
  auto dropped = std::async(std::launch::async, [&] {
    return curl({"-o", "/dev/null", server.base_url() + "/dropped"});
  });
  ASSERT_TRUE(server.wait_for_requests(1, 5s));
  const auto ok = curl({server.base_url() + "/ok"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(dropped.get().exit_code, 52);
}

TEST(FakeServerTest, destructor_is_quick_with_idle_keep_alive_and_pending_delay) {
  auto server = std::make_unique<FakeServer>();
  auto c = client_for(*server);
  c.set_keep_alive(true);
  ASSERT_TRUE(c.Get("/keep"));  // leaves an idle keep-alive connection
  Reply slow = text_reply(200, "late");
  slow.delay = 30s;
  server->push_reply(slow);
  auto pending = std::async(std::launch::async, [&] {
    auto c2 = client_for(*server);
    return static_cast<bool>(c2.Get("/slow"));
  });
  ASSERT_TRUE(server->wait_for_requests(2, 5s));
  const auto start = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_FALSE(pending.get());
}

TEST(FakeServerTest, https_works_with_test_ca_and_fails_without_it) {
  TestPki pki;
  FakeServer server({.https = true, .pki = &pki});
  EXPECT_EQ(server.base_url().rfind("https://127.0.0.1:", 0), 0u);

  const auto good = curl({"--cacert", pki.ca_cert(), server.base_url() + "/v"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(good.out, "{}");

  // The certificate names localhost too.
  const auto by_name = curl({"--cacert", pki.ca_cert(), "--resolve",
                             "localhost:" + std::to_string(server.port()) + ":127.0.0.1",
                             "https://localhost:" + std::to_string(server.port()) + "/v"});
  EXPECT_EQ(by_name.exit_code, 0) << by_name.err;

  const auto wrong_ca = curl({"--cacert", pki.other_ca_cert(), server.base_url() + "/v"});
  EXPECT_EQ(wrong_ca.exit_code, 60) << wrong_ca.err;  // CURLE_PEER_FAILED_VERIFICATION

  // httplib's own client agrees.
  httplib::SSLClient c("127.0.0.1", server.port());
  c.set_ca_cert_path(pki.ca_cert().c_str());
  c.enable_server_certificate_verification(true);
  auto res = c.Get("/v");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);

  // Drop over TLS is a transport error too.
  server.push_reply(dropped_reply());
  const auto dropped = curl({"--cacert", pki.ca_cert(), server.base_url() + "/d"});
  EXPECT_NE(dropped.exit_code, 0);
  EXPECT_EQ(dropped.out, "");
}

TEST(FakeServerTest, pki_files_are_reused_from_a_directory) {
  TempDir dir;
  std::string first;
  {
    TestPki pki(dir / "pki");
    first = dir.read_file("pki/server.pem");
    struct stat st {};
    ASSERT_EQ(::stat(pki.server_key().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  TestPki again(dir / "pki");
  EXPECT_EQ(dir.read_file("pki/server.pem"), first);
}

// --- service fakes ------------------------------------------------------------

TEST(FakeServicesTest, mattermost_ok_and_errors) {
  FakeServer server;
  server.set_handler(mattermost_handler());
  const std::string url = mattermost_url(server);
  const auto ok = curl({"-i", "-H", "Content-Type: application/json", "-d", R"({"text":"hi"})", url});
  EXPECT_NE(ok.out.find("200"), std::string::npos);
  EXPECT_NE(ok.out.find("text/plain"), std::string::npos);
  EXPECT_EQ(ok.out.substr(ok.out.size() - 2), "ok");

  auto c = client_for(server);
  auto no_text = c.Post("/hooks/testhook1234", R"({"username":"x"})", "application/json");
  ASSERT_TRUE(no_text);
  EXPECT_EQ(no_text->status, 400);
  EXPECT_EQ(json::parse(no_text->body)["id"], "web.incoming_webhook.text.app_error");
  auto bad_hook = c.Post("/hooks/other", R"({"text":"x"})", "application/json");
  ASSERT_TRUE(bad_hook);
  EXPECT_EQ(bad_hook->status, 400);
  EXPECT_EQ(json::parse(bad_hook->body)["id"], "web.incoming_webhook.invalid.app_error");
  auto form = c.Post("/hooks/testhook1234", "payload=%7B%22text%22%3A%22hi%22%7D",
                     "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
}

TEST(FakeServicesTest, telegram_send_message_and_errors) {
  FakeServer server;
  TelegramOptions opts;
  opts.known_chats = std::set<std::string>{"111111111", "@status_channel_example"};
  server.set_handler(telegram_handler(opts));
  auto c = client_for(server);
  const std::string base = "/bot" + opts.token;

  auto ok = c.Post(base + "/sendMessage", R"({"chat_id":111111111,"text":"héllo"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  const json j = json::parse(ok->body);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["result"]["chat"]["id"], 111111111);
  EXPECT_EQ(j["result"]["text"], "héllo");
  EXPECT_TRUE(j["result"]["message_id"].is_number());

  auto form = c.Post(base + "/sendmessage", "chat_id=%40status_channel_example&text=x",
                     "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_EQ(json::parse(form->body)["result"]["chat"]["type"], "channel");

  auto unknown = c.Post(base + "/sendMessage", R"({"chat_id":"42","text":"x"})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(json::parse(unknown->body)["description"], "Bad Request: chat not found");

  auto too_long = c.Post(base + "/sendMessage",
                         json{{"chat_id", 111111111}, {"text", std::string(4097, 'a')}}.dump(),
                         "application/json");
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->status, 400);

  auto bad_token = c.Post("/bot1:wrong/sendMessage", R"({"chat_id":1,"text":"x"})", "application/json");
  ASSERT_TRUE(bad_token);
  EXPECT_EQ(bad_token->status, 401);
  EXPECT_EQ(json::parse(bad_token->body),
            json::parse(R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));

  auto updates = c.Get(base + "/getUpdates");
  ASSERT_TRUE(updates);
  EXPECT_EQ(json::parse(updates->body)["result"].size(), 6u);
}

TEST(FakeServicesTest, telegram_429_shape) {
  FakeServer server;
  server.set_handler(telegram_handler());
  server.push_reply(telegram_429(35));
  auto c = client_for(server);
  auto res = c.Post(telegram_method_url(server, "sendMessage").substr(server.base_url().size()),
                    R"({"chat_id":1,"text":"x"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->get_header_value("Retry-After"), "35");
  EXPECT_EQ(json::parse(res->body),
            json::parse(R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 35",
                            "parameters":{"retry_after":35}})"));
}

TEST(FakeServicesTest, line_push_validation_and_retry_key) {
  FakeServer server;
  LineOptions opts;
  server.set_handler(line_handler(opts));
  auto c = client_for(server);
  const httplib::Headers auth = {{"Authorization", "Bearer " + opts.token}};
  const std::string key = "123e4567-e89b-12d3-a456-426614174000";
  httplib::Headers with_key = auth;
  with_key.emplace("X-Line-Retry-Key", key);
  const std::string body = R"({"to":"U1","messages":[{"type":"text","text":"hi"}]})";

  auto wrong = c.Post("/v2/bot/message/push", {{"Authorization", "Bearer nope"}}, body, "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);

  // A rate-limited attempt does not count as accepted...
  server.push_reply(line_429());
  auto limited = c.Post("/v2/bot/message/push", with_key, body, "application/json");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_FALSE(limited->has_header("Retry-After"));

  // ...so the retry is accepted, and the next repeat is a 409.
  auto first = c.Post("/v2/bot/message/push", with_key, body, "application/json");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  const json sent = json::parse(first->body)["sentMessages"];
  ASSERT_EQ(sent.size(), 1u);
  const std::string request_id = first->get_header_value("x-line-request-id");
  EXPECT_FALSE(request_id.empty());

  auto again = c.Post("/v2/bot/message/push", with_key, body, "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(again->get_header_value("x-line-accepted-request-id"), request_id);
  EXPECT_EQ(json::parse(again->body)["message"], "The retry key is already accepted");
  EXPECT_EQ(json::parse(again->body)["sentMessages"], sent);

  // Validation: 6 messages, and a text of 5001 UTF-16 units (2500 emoji + 1).
  json six = json::array();
  for (int i = 0; i < 6; ++i) six.push_back({{"type", "text"}, {"text", "x"}});
  auto too_many = c.Post("/v2/bot/message/push", auth, json{{"to", "U1"}, {"messages", six}}.dump(),
                         "application/json");
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->status, 400);
  std::string apples;
  for (int i = 0; i < 2500; ++i) apples += "\xF0\x9F\x8D\x8E";
  auto at_limit = c.Post("/v2/bot/message/push", auth,
                         json{{"to", "U1"}, {"messages", {{{"type", "text"}, {"text", apples}}}}}.dump(),
                         "application/json");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->status, 200);
  auto over = c.Post("/v2/bot/message/push", auth,
                     json{{"to", "U1"}, {"messages", {{{"type", "text"}, {"text", apples + "a"}}}}}.dump(),
                     "application/json");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 400);
  EXPECT_EQ(json::parse(over->body)["details"][0]["property"], "messages[0].text");
}

TEST(FakeServicesTest, discord_wait_and_limits) {
  FakeServer server;
  DiscordOptions opts;
  server.set_handler(discord_handler(opts));
  auto c = client_for(server);
  const std::string path = discord_url(server, opts).substr(server.base_url().size());

  auto no_wait = c.Post(path, R"({"content":"hi"})", "application/json");
  ASSERT_TRUE(no_wait);
  EXPECT_EQ(no_wait->status, 204);
  EXPECT_EQ(no_wait->body, "");

  auto v10 = "/api/v10/webhooks/" + opts.webhook_id + "/" + opts.webhook_token + "?wait=true";
  auto waited = c.Post(v10, R"({"content":"build #42 passed","flags":4096})", "application/json");
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->status, 200);
  const json msg = json::parse(waited->body);
  EXPECT_EQ(msg["content"], "build #42 passed");
  EXPECT_EQ(msg["flags"], 4096);
  EXPECT_TRUE(msg["id"].is_string());

  std::string long_text;
  for (int i = 0; i < 2001; ++i) long_text += "\xC3\xA9";  // é: 2001 code points
  auto too_long = c.Post(path, json{{"content", long_text}}.dump(), "application/json");
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->status, 400);
  EXPECT_EQ(json::parse(too_long->body)["code"], 50035);

  auto unknown = c.Post("/api/webhooks/1/nope", R"({"content":"x"})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json::parse(unknown->body)["code"], 10015);

  server.push_reply(discord_429(1.337));
  auto limited = c.Post(path, R"({"content":"x"})", "application/json");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "2");
  EXPECT_DOUBLE_EQ(json::parse(limited->body)["retry_after"].get<double>(), 1.337);
}

TEST(FakeServicesTest, telegram_edits_and_replies_as_the_bot_api_answers) {
  FakeServer server;
  TelegramOptions opts;
  opts.chat = std::make_shared<FakeChat>();
  server.set_handler(telegram_handler(opts));
  auto c = client_for(server);
  const std::string base = "/bot" + opts.token;
  auto sent = c.Post(base + "/sendMessage", R"({"chat_id":111111111,"text":"one"})", "application/json");
  ASSERT_TRUE(sent);
  const auto id = json::parse(sent->body)["result"]["message_id"].get<long long>();
  const auto edit = [&](long long message_id, const std::string& text) {
    return c.Post(base + "/editMessageText",
                  json{{"chat_id", 111111111}, {"message_id", message_id}, {"text", text}}.dump(),
                  "application/json");
  };
  auto edited = edit(id, "two");
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->status, 200);
  EXPECT_EQ(json::parse(edited->body)["result"]["text"], "two");
  EXPECT_EQ(opts.chat->message(std::to_string(id))->text, "two");
  EXPECT_EQ(opts.chat->message(std::to_string(id))->edits, 1);

  auto same = edit(id, "two");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 400);
  EXPECT_THAT(json::parse(same->body)["description"].get<std::string>(),
              ::testing::HasSubstr("message is not modified"));
  auto missing = edit(id + 100, "x");
  ASSERT_TRUE(missing);
  EXPECT_EQ(json::parse(missing->body)["description"], "Bad Request: message to edit not found");

  auto reply = c.Post(base + "/sendMessage",
                      json{{"chat_id", 111111111}, {"text", "re"},
                           {"reply_parameters", {{"message_id", id}}}}.dump(),
                      "application/json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(json::parse(reply->body)["result"]["reply_to_message"]["message_id"], id);
  auto orphan = c.Post(base + "/sendMessage",
                       json{{"chat_id", 111111111}, {"text", "re"},
                            {"reply_parameters", {{"message_id", 999}}}}.dump(),
                       "application/json");
  ASSERT_TRUE(orphan);
  EXPECT_EQ(json::parse(orphan->body)["description"], "Bad Request: message to be replied not found");
  auto allowed = c.Post(base + "/sendMessage",
                        json{{"chat_id", 111111111}, {"text", "re"},
                             {"reply_parameters", {{"message_id", 999}, {"allow_sending_without_reply", true}}}}.dump(),
                        "application/json");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
}

TEST(FakeServicesTest, discord_edits_only_its_own_messages) {
  FakeServer server;
  DiscordOptions opts;
  opts.chat = std::make_shared<FakeChat>();
  server.set_handler(discord_handler(opts));
  auto c = client_for(server);
  const std::string path = discord_url(server, opts).substr(server.base_url().size());
  auto made = c.Post(path + "?wait=true", R"({"content":"build running"})", "application/json");
  ASSERT_TRUE(made);
  const std::string id = json::parse(made->body)["id"];
  auto patched = c.Patch(path + "/messages/" + id, R"({"content":"build passed"})", "application/json");
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200);
  EXPECT_EQ(json::parse(patched->body)["content"], "build passed");
  EXPECT_EQ(opts.chat->message(id)->text, "build passed");
  auto unknown = c.Patch(path + "/messages/1", R"({"content":"x"})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json::parse(unknown->body)["code"], 10008);
  auto flags = c.Patch(path + "/messages/" + id, R"({"content":"x","flags":4096})", "application/json");
  ASSERT_TRUE(flags);
  EXPECT_EQ(flags->status, 400);
  auto post_to_message = c.Post(path + "/messages/" + id, R"({"content":"x"})", "application/json");
  ASSERT_TRUE(post_to_message);
  EXPECT_EQ(post_to_message->status, 405);
}

TEST(FakeServicesTest, discord_multipart_with_payload_json) {
  FakeServer server;
  server.set_handler(discord_handler());
  auto c = client_for(server);
  httplib::MultipartFormDataItems items = {
      {"payload_json", R"({"content":"see file"})", "", "application/json"},
      {"files[0]", "log line\n", "build.log", "text/plain"}};
  auto res = c.Post(discord_url(server).substr(server.base_url().size()) + "?wait=true", items);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["content"], "see file");
  const auto parts = server.requests().at(0).parts;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "files[0]");
  EXPECT_EQ(parts[0].filename, "build.log");
  EXPECT_EQ(parts[1].name, "payload_json");
}

TEST(FakeServicesTest, fake_service_binary_serves_and_logs) {
  TempDir dir;
  const auto log = dir / "requests.jsonl";
  // Started through sh so the test can read the port line and stop it with SIGTERM.
  const std::string script = std::string("'") + FAKE_SERVICE_BINARY +
                             "' --kind mattermost --log '" + log.string() +
                             "' > '" + (dir / "port").string() + "' & pid=$!; "
                             "for i in $(seq 100); do [ -s '" + (dir / "port").string() +
                             "' ] && break; sleep 0.05; done; "
                             "port=$(cat '" + (dir / "port").string() + "'); "
                             "curl -sS --noproxy '*' -H 'Content-Type: application/json' -d '{\"text\":\"hi\"}' "
                             "http://127.0.0.1:$port/hooks/testhook1234; "
                             "kill -TERM $pid; wait $pid; echo \" exit=$?\"";
  RunOptions o;
  o.timeout = 20s;
  const auto r = run_process({"/bin/sh", "-c", script}, o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok exit=0\n") << r.err;
  const json line = json::parse(dir.read_file("requests.jsonl"));
  EXPECT_EQ(line["path"], "/hooks/testhook1234");
  EXPECT_EQ(line["body"], R"({"text":"hi"})");
}

// --- subprocess -----------------------------------------------------------------

TEST(SubprocessTest, exit_code_and_output) {
  const auto r = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(SubprocessTest, large_stdin_passes_through_cat) {
  std::string data(10 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  RunOptions o;
  o.stdin_data = data;
  const auto r = run_process({"cat"}, o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), data.size());
  EXPECT_TRUE(r.out == data);
}

TEST(SubprocessTest, child_that_ignores_stdin_does_not_hang_or_kill_us) {
  RunOptions o;
  o.stdin_data = std::string(4 * 1024 * 1024, 'x');
  o.timeout = 10s;
  const auto r = run_process({"/bin/sh", "-c", "exec 0<&-; echo done"}, o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "done\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(SubprocessTest, stdin_defaults_to_dev_null) {
  const auto r = run_process({"cat"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

TEST(SubprocessTest, timeout_kills_the_child_and_its_children) {
  RunOptions o;
  o.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_process({"/bin/sh", "-c", "sleep 30 & sleep 30; echo never"}, o);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_EQ(r.out, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(SubprocessTest, stdin_tty_attaches_a_terminal) {
  RunOptions o;
  o.stdin_tty = true;
  o.timeout = 10s;
  const auto tty = run_process({"/bin/sh", "-c", "if [ -t 0 ]; then echo tty; else echo notty; fi"}, o);
  EXPECT_EQ(tty.out, "tty\n");
  EXPECT_FALSE(tty.timed_out);
  const auto plain = run_process({"/bin/sh", "-c", "if [ -t 0 ]; then echo tty; else echo notty; fi"});
  EXPECT_EQ(plain.out, "notty\n");
}

TEST(SubprocessTest, environment_overrides_and_isolation) {
  TempDir home;
  RunOptions o;
  o.set_env("NOTIFY_TEST_EXTRA", "1").set_env("LANG", "C").set_env("LANG", std::nullopt);
  o.isolate(home.path());
  o.set_env("FOO", "bar");
  const auto r = run_process(
      {"/bin/sh", "-c",
       "echo \"$HOME|$XDG_CONFIG_HOME|$XDG_STATE_HOME|${NOTIFY_CONFIG-unset}|${NOTIFY_TEST_EXTRA-unset}|$FOO|${LANG-nolang}\""},
      o);
  EXPECT_EQ(r.out, home.path().string() + "|" + home.path().string() + "/.config|" +
                       home.path().string() + "/.local/state|unset|unset|bar|nolang\n");
}

TEST(SubprocessTest, missing_program_reports_127) {
  const auto r = run_process({"/nonexistent/program"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("cannot execute"), std::string::npos);
}

TEST(TempDirTest, write_file_sets_mode_and_cleanup_removes_everything) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    const auto p = dir.write_file("a/b/config.toml", "x = 1\n", 0644);
    EXPECT_EQ(p, dir.path() / "a/b/config.toml");
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    EXPECT_EQ(dir.read_file("a/b/config.toml"), "x = 1\n");
    dir.make_dir("locked", 0000);
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace notify::test
