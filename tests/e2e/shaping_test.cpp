// What lands in the chat for awkward input: huge, binary, coloured,
// reserved characters. The fake services reject anything over their limits,
// so exit 0 also proves every part fitted.

#include <random>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;

class ShapingE2E : public FourServicesE2E {
 protected:
  std::vector<std::string> all_texts(const FakeServer& s) {
    std::vector<std::string> out;
    for (const auto& r : s.requests())
      for (auto& t : texts_of(r)) out.push_back(t);
    return out;
  }
};

std::string big_log(std::size_t bytes) {
  std::string s;
  for (int i = 0; s.size() < bytes; ++i)
    s += "2026-11-25 04:00:" + std::to_string(i) + " worker[" + std::to_string(i % 7) +
         "] processed batch \xE2\x9C\x93 caf\xC3\xA9 \xF0\x9F\x8D\x8E item=" + std::to_string(i) + "\n";
  return s + "FATAL: disk full on /var\n";
}

TEST_F(ShapingE2E, ten_megabytes_keep_head_and_tail_within_every_limit) {
  const std::string input = big_log(10 << 20);
  for (std::string p : {"ops", "me", "family", "dev"}) {
    auto r = notify({"-c", path, p}, input);
    EXPECT_EQ(r.exit_code, 0) << p << ": " << r.err;
  }
  for (auto* s : {&mm, &tg, &line, &dc}) {
    auto texts = all_texts(*s);
    ASSERT_EQ(texts.size(), 10u) << "default max_parts";
    EXPECT_THAT(texts.front(), HasSubstr("(1/10)"));
    EXPECT_THAT(texts.front(), HasSubstr("04:00:0 worker[0]"));
    EXPECT_THAT(texts.back(), HasSubstr("FATAL: disk full on /var"));
    bool omitted = false;
    for (auto& t : texts) omitted = omitted || t.find("omitted") != std::string::npos;
    EXPECT_TRUE(omitted);
  }
  EXPECT_EQ(line.request_count(), 2u) << "5 text messages per push";
}

TEST_F(ShapingE2E, max_parts_bounds_the_number_of_posts) {
  auto r = notify({"-c", path, "--max-parts", "3", "dev"}, big_log(1 << 20));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(dc.request_count(), 3u);
  EXPECT_THAT(all_texts(dc).back(), HasSubstr("FATAL: disk full"));
}

TEST_F(ShapingE2E, binary_garbage_never_crashes_and_arrives_as_valid_text) {
  std::mt19937 rng(42);
  std::string garbage(1 << 20, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng() & 0xff);
  auto r = notify({"-c", path, "all"}, garbage);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (auto* s : {&mm, &tg, &line, &dc}) {
    ASSERT_GT(s->request_count(), 0u);
    for (auto& t : all_texts(*s)) {
      EXPECT_EQ(t.find('\0'), std::string::npos);
      EXPECT_EQ(t.find('\x1b'), std::string::npos);
    }
  }
}

TEST_F(ShapingE2E, colours_are_stripped_and_reserved_characters_arrive_verbatim) {
  auto r = notify({"-c", path, "me,dev,ops"},
                  std::string("\x1b[31mERROR\x1b[0m <b>x</b> & *_[]() `code` 5 < 6\r\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(all_texts(tg), std::vector<std::string>{"ERROR <b>x</b> & *_[]() `code` 5 < 6"});
  EXPECT_EQ(all_texts(dc), std::vector<std::string>{"ERROR <b>x</b> & *_[]() `code` 5 < 6"});
}

TEST_F(ShapingE2E, discord_blocks_mentions_and_mattermost_neutralises_them) {
  auto r = notify({"-c", path, "dev,ops"}, std::string("@everyone @here deploy failed @channel\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto body = nlohmann::json::parse(dc.requests()[0].body);
  EXPECT_EQ(body["allowed_mentions"]["parse"], nlohmann::json::array());
  auto mm_text = all_texts(mm)[0];
  EXPECT_EQ(mm_text.find("@channel"), std::string::npos);
  EXPECT_EQ(mm_text.find("@here"), std::string::npos);
}

TEST_F(ShapingE2E, code_blocks_close_on_every_part) {
  std::string input;
  for (int i = 0; i < 400; ++i) input += "line " + std::to_string(i) + " ``` not a fence\n";
  auto r = notify({"-c", path, "--code=log", "dev"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto texts = all_texts(dc);
  ASSERT_GT(texts.size(), 1u);
  for (auto& t : texts) {
    EXPECT_THAT(t, HasSubstr("```log\n"));
    EXPECT_EQ(t.substr(t.size() - 4), "\n```");
    // Exactly one opening and one closing fence: the input's cannot count.
    std::size_t fences = 0;
    for (auto pos = t.find("```"); pos != std::string::npos; pos = t.find("```", pos + 3)) ++fences;
    EXPECT_EQ(fences, 2u);
  }
}

TEST_F(ShapingE2E, tee_copies_stdin_byte_exact) {
  std::mt19937 rng(7);
  std::string input(300000, '\0');
  for (auto& c : input) c = static_cast<char>(rng() & 0xff);
  auto r = notify({"-c", path, "--tee", "--dry-run", "ops"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_GE(r.out.size(), input.size());
  EXPECT_EQ(r.out.substr(0, input.size()), input);
}

TEST_F(ShapingE2E, upstream_of_the_pipe_never_dies_of_sigpipe) {
  RunOptions o;
  o.isolate(home.path());
  o.timeout = std::chrono::seconds(60);
  auto r = run_process({"bash", "-c",
                        "set -o pipefail; head -c 50000000 /dev/urandom | '" +
                            std::string(NOTIFY_BINARY) + "' -c '" + path +
                            "' --dry-run me > /dev/null"},
                       o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace notify::test
