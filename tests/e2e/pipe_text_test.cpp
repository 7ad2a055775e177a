// "The pipe's promise", its text side: what a capped message says was left
// out, remote text on the terminal, secrets in every URL shape, URLs checked
// when loaded, --code=LANG. The real binary against fake services.

#include <regex>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A man, a woman, a girl and a boy joined by ZWJs: one grapheme cluster.
const std::string kFamily =
    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D"
    "\xF0\x9F\x91\xA6";
const std::string kZwj = "\xE2\x80\x8D";

class PipeTextE2E : public FourServicesE2E {
 protected:
  // Every text a server received, its "(i/n)" header line taken off.
  static std::vector<std::string> bodies(const FakeServer& s) {
    std::vector<std::string> out;
    for (const auto& r : s.requests())
      for (auto t : texts_of(r)) {
        if (t.rfind("(", 0) == 0 || t.rfind("**(", 0) == 0) t = t.substr(t.find('\n') + 1);
        out.push_back(t);
      }
    return out;
  }
  struct Note {
    std::uint64_t lines = 0, bytes = 0;
    int count = 0;
  };
  static Note notes_in(const std::vector<std::string>& texts) {
    static const std::regex note(R"(\[\.\.\. (\d+) lines \((\d+) bytes\) omitted \.\.\.\])");
    Note n;
    for (const auto& t : texts)
      for (std::sregex_iterator it(t.begin(), t.end(), note), end; it != end; ++it) {
        ++n.count;
        n.lines = std::stoull((*it)[1]);
        n.bytes = std::stoull((*it)[2]);
      }
    return n;
  }
};

// --- 1. The truth about what was left out ------------------------------------

TEST_F(PipeTextE2E, omission_line_counts_the_lines_and_bytes_left_out_of_the_whole_input) {
  std::string log;
  const std::string tail_text = " of the nightly log: all fine here\n";
  for (int i = 1; i <= 200000; ++i) {
    char num[16];
    std::snprintf(num, sizeof num, "%06d", i);
    log += std::string("line ") + num + tail_text;
  }
  const std::size_t line_bytes = 5 + 6 + tail_text.size();
  for (std::string p : {"me", "dev"}) {
    auto r = notify({"-c", path, p}, log);
    ASSERT_EQ(r.exit_code, 0) << p << ": " << r.err;
  }
  for (auto* s : {&tg, &dc}) {
    const auto texts = bodies(*s);
    ASSERT_EQ(texts.size(), 10u);
    const Note n = notes_in(texts);
    ASSERT_EQ(n.count, 1) << "one omission line, not one per cut";
    // The last line shown before the note and the first after it.
    static const std::regex num(R"(line (\d{6}))");
    std::vector<int> shown;
    for (const auto& t : texts)
      for (std::sregex_iterator it(t.begin(), t.end(), num), end; it != end; ++it)
        shown.push_back(std::stoi((*it)[1]));
    int last_head = 0, first_tail = 0;
    for (std::size_t i = 1; i < shown.size(); ++i)
      if (shown[i] != shown[i - 1] + 1) last_head = shown[i - 1], first_tail = shown[i];
    ASSERT_GT(first_tail, last_head);
    const auto left_out = std::uint64_t(first_tail - last_head - 1);
    EXPECT_EQ(n.lines, left_out);
    EXPECT_EQ(n.bytes, left_out * line_bytes);
    EXPECT_GT(n.lines, 199000u);
  }
}

TEST_F(PipeTextE2E, cjk_and_emoji_log_gets_as_many_parts_as_ascii_before_anything_is_left_out) {
  // ~16,000 code points (60 kB): fits Discord's 10 x 2000 code points, but
  // not 10 x 2000 bytes.
  std::string log;
  for (int i = 0; i < 500; ++i)
    log += "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\xAD\xE3\x82\xB0 " + kFamily +
           " \xF0\x9F\x87\xAF\xF0\x9F\x87\xB5 " + std::to_string(i) + "\n";
  auto r = notify({"-c", path, "dev"}, log);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto texts = bodies(dc);
  EXPECT_LE(texts.size(), 10u);
  EXPECT_EQ(notes_in(texts).count, 0) << "nothing may be left out";
  std::string joined;
  for (const auto& t : texts) joined += t + "\n";
  EXPECT_EQ(joined, log);
}

TEST_F(PipeTextE2E, no_cut_splits_a_grapheme_cluster_and_the_bytes_add_up) {
  // One 60 kB line of families and CJK: cut while reading and between parts.
  const std::string unit = kFamily + "\xE6\xBC\xA2\xE5\xAD\x97";
  std::string input;
  while (input.size() < 60000) input += unit;
  auto r = notify({"-c", path, "--max-parts", "3", "dev"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto texts = bodies(dc);
  ASSERT_EQ(texts.size(), 3u);
  const Note n = notes_in(texts);
  ASSERT_EQ(n.count, 1);
  EXPECT_EQ(n.lines, 1u);
  std::uint64_t shown = 0;
  for (const auto& t : texts) {
    if (t.find("omitted ...]") != std::string::npos) continue;
    std::string rest = t;
    for (std::size_t at; (at = rest.find(kFamily)) != std::string::npos;)
      rest.erase(at, kFamily.size());
    EXPECT_EQ(rest.find(kZwj), std::string::npos) << "a family torn apart";
    EXPECT_EQ(rest.find("\xF0\x9F\x91"), std::string::npos) << "a family torn apart";
    shown += t.size();
  }
  EXPECT_EQ(shown + n.bytes, input.size()) << "kept and left out make the whole input";
}

// --- 2. Remote text on the terminal ------------------------------------------

TEST_F(PipeTextE2E, chat_titles_and_texts_are_printed_without_controls) {
  FakeServer evil;
  TelegramOptions o;
  o.updates_json =
      R"({"ok":true,"result":[{"update_id":1,"message":{"message_id":1,"date":1,)"
      R"("chat":{"id":-42,"type":"group","title":"ops\u001b[2J\u001b]0;pwned\u0007 \u202eroom\u2066"},)"
      R"("text":"hi\u009b31m\u0085there\u202d"}}]})";
  evil.set_handler(telegram_handler(o));
  for (std::vector<std::string> extra : {std::vector<std::string>{}, {"--json"}}) {
    std::vector<std::string> args = {"telegram", "discover", "--token", kTgToken, "--api-base",
                                     evil.base_url()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = notify(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("room"));
    for (const std::string bad : {"\x1b", "\x07", "\xC2\x9B", "\xC2\x85", "\xE2\x80\xAE",
                                  "\xE2\x80\xAD", "\xE2\x81\xA6", "\\u001b", "\\u0007"})
      EXPECT_EQ(r.out.find(bad), std::string::npos) << extra.size();
  }
}

TEST_F(PipeTextE2E, an_html_error_page_is_its_status_line_and_error_bodies_lose_controls) {
  mm.push_reply(Reply{502, "<!DOCTYPE html>\n<html><head><title>502</title></head><body>"
                           "<h1>Bad Gateway</h1><p>nginx</p></body></html>\n",
                      "text/html", {}});
  auto r = notify({"-c", path, "--retries", "0", "ops", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("HTTP 502 Bad Gateway"));
  EXPECT_THAT(r.err, Not(HasSubstr("<")));
  dc.push_reply(Reply{400, "{\"message\": \"bad\\u001b[2J \\u202eform\", \"code\": 50035}",
                      "application/json", {}});
  auto d = notify({"-c", path, "dev", "x"});
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_THAT(d.err, HasSubstr("form"));
  EXPECT_EQ(d.err.find("\x1b"), std::string::npos);
  EXPECT_EQ(d.err.find("\xE2\x80\xAE"), std::string::npos);
}

// --- 3. Secrets in every URL shape -------------------------------------------

TEST_F(PipeTextE2E, secrets_in_every_url_shape_are_masked_everywhere_and_hosts_stay) {
  // Port 1 refuses: -v and the error path are exercised without a server.
  const std::string secrets[] = {"pa55word-xyz", "qtoken-123456", "sig-abcdef99",
                                 "slack-secret-777", "relay-key-98765", "dc-token-4242",
                                 "apikey-000111"};
  const std::string toml =
      "[defaults]\nretries = 0\ntimeout = 5\n"
      "[profiles.a]\ntype = \"mattermost\"\nwebhook_url = "
      "\"http://ops:pa55word-xyz@127.0.0.1:1/hooks/x?token=qtoken-123456\"\n"
      "[profiles.b]\ntype = \"slack\"\nwebhook_url = "
      "\"http://127.0.0.1:1/services/T000/B000/slack-secret-777?sig=sig-abcdef99\"\n"
      // A relay's key in the path before a Mattermost webhook's /hooks.
      "[profiles.c]\ntype = \"mattermost\"\nwebhook_url = "
      "\"http://127.0.0.1:1/relay/relay-key-98765/hooks/x\"\n"
      "[profiles.d]\ntype = \"discord\"\nwebhook_url = "
      "\"http://127.0.0.1:1/api/webhooks/77/dc-token-4242?api_key=apikey-000111\"\n";
  const auto p = config(toml);
  std::vector<RunResult> runs = {
      notify({"-c", p, "list"}), notify({"-c", p, "list", "--json"}),
      notify({"-c", p, "--dry-run", "a,b,c,d", "x"}),
      notify({"-c", p, "--json", "-v", "a,b,c,d", "x"})};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto all = runs[i].out + runs[i].err;
    EXPECT_THAT(all, HasSubstr("127.0.0.1")) << i;
    for (const auto& s : secrets) EXPECT_EQ(all.find(s), std::string::npos) << i << ": " << s << "\n" << all;
  }
  EXPECT_EQ(runs[3].exit_code, 1);
}

// --- 4. URLs checked when loaded, redirects ----------------------------------

TEST_F(PipeTextE2E, a_bad_url_is_a_configuration_error_with_its_place) {
  const std::pair<std::string, std::string> cases[] = {
      {"api_base = \"http://127.0.0.1:99999\"", "outside 1-65535"},
      {"api_base = \"http://127.0.0.1:0\"", "outside 1-65535"},
      {"api_base = \"http://[::1\"", "closing ']'"},
      {"api_base = \"http://bad host/\"", "space"},
      {"api_base = \"ftp://127.0.0.1/\"", "http:// or https://"},
      {"api_base = \"http:///x\"", "no host"},
      {"api_base = \"http://a\\r\\nX-Evil: 1\"", "control character"},
  };
  for (const auto& [setting, why] : cases) {
    const auto p = config("[profiles.me]\ntype = \"telegram\"\ntoken = \"1:abc\"\nchat_id = 1\n" +
                          setting + "\n");
    for (std::vector<std::string> args : {std::vector<std::string>{"check"}, {"me", "x"}}) {
      args.insert(args.begin(), {"-c", p});
      auto r = notify(args);
      EXPECT_EQ(r.exit_code, 2) << setting;
      EXPECT_THAT(r.err, HasSubstr("profiles.toml:5:12: profile 'me': 'api_base' is not a valid "
                                   "http(s) URL"))
          << setting;
      EXPECT_THAT(r.err, HasSubstr(why)) << setting;
    }
  }
  const auto lit = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = "
                          "\"https://chat.example:70000/hooks/abc\"\n");
  auto l = notify({"-c", lit, "check"});
  EXPECT_EQ(l.exit_code, 2);
  EXPECT_THAT(l.err, HasSubstr("profiles.toml:3:15: profile 'ops': 'webhook_url' is not a valid"));
  // From the environment: checked when resolved, naming profile and field;
  // in a send that is the profile's own problem (exit 1, kept in the spool).
  const auto env = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"${HOOK}\"\n");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"-c", env, "check"}, {"-c", env, "ops", "x"}}) {
    auto r = notify(args, std::nullopt, {{"HOOK", mm.base_url().substr(0, 17) + "0/hooks/x"}});
    EXPECT_EQ(r.exit_code, args[2] == "check" ? 2 : 1) << r.err;
    EXPECT_THAT(r.err, HasSubstr("profile 'ops': 'webhook_url': is not a valid http(s) URL"));
  }
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(PipeTextE2E, a_redirect_says_the_webhook_moved_masks_the_location_and_is_not_retried) {
  mm.push_reply(Reply{301, "", "text/html",
                      {{"Location", "https://new.example/hooks/movedhooksecret1?token=tok987654"}}});
  auto r = notify({"-c", path, "--retries", "3", "ops", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("HTTP 301"));
  EXPECT_THAT(r.err, HasSubstr("the webhook moved"));
  EXPECT_THAT(r.err, HasSubstr("new.example/hooks/***"));
  EXPECT_THAT(r.err, HasSubstr("copy it again"));
  EXPECT_THAT(r.err, Not(HasSubstr("movedhooksecret1")));
  EXPECT_THAT(r.err, Not(HasSubstr("tok987654")));
  EXPECT_EQ(mm.request_count(), 1u);
}

// --- 5. --code=LANG ----------------------------------------------------------

TEST_F(PipeTextE2E, code_lang_is_one_word_or_a_usage_error) {
  for (const std::string lang : {"sh\n@channel", "sh x", "```", "a;b", "sh`"}) {
    auto r = notify({"-c", path, "--code=" + lang, "ops", "hello"});
    EXPECT_EQ(r.exit_code, 2) << lang;
    EXPECT_THAT(r.err, HasSubstr("--code=LANG")) << lang;
  }
  EXPECT_EQ(mm.request_count(), 0u);
  auto ok = notify({"-c", path, "--code=c++", "ops", "hello"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto bad_profile = notify({"-c", config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" +
                                          mattermost_url(mm) + "\"\ncode_lang = \"sh\\n@all\"\n"),
                             "check"});
  EXPECT_EQ(bad_profile.exit_code, 2);
  EXPECT_THAT(bad_profile.err, HasSubstr("'code_lang' must be one word"));
}

}  // namespace
}  // namespace notify::test
