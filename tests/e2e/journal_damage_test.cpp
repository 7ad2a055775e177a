// A damaged journal is never "done", and junk in the spool costs a bounded
// amount (PRODUCT.md, "Every path keeps its word", third edition), through
// the real binary: a journal line that contradicts its record makes the
// message a dead letter that `notify spool retry` queues again; a junk file
// named like a message costs flush, list, show and drop the same whatever
// its size.

#include <algorithm>
#include <csignal>
#include <iostream>
#include <tuple>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
namespace fs = std::filesystem;

const std::string kA(30, 'A'), kB(30, 'B'), kC(30, 'C');
const std::string kThreeParts = kA + "\n" + kB + "\n" + kC + "\n";

class JournalDamageE2E : public E2E {
 protected:
  FakeServer mm;
  std::string path;

  // ops splits a message into one part per line of kThreeParts.
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    path = config("[defaults]\nretries = 1\ntimeout = 5\n\n"
                  "[profiles.ops]\ntype = \"mattermost\"\nmax_length = 64\nwebhook_url = \"" +
                  mattermost_url(mm) + "\"\n");
  }

  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt,
                bool own_peak_rss = false) {
    args.insert(args.begin(), {NOTIFY_BINARY, "-c", path});
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state());
    o.stdin_data = std::move(input);
    o.timeout = std::chrono::seconds(60);
    o.own_peak_rss = own_peak_rss;
    return run_process(args, o);
  }

  std::size_t mm_texts_with(const std::string& needle) const {
    std::size_t n = 0;
    for (const auto& r : mm.requests())
      for (const auto& t : texts_of(r)) n += t.find(needle) != std::string::npos;
    return n;
  }

  // A three-part message kept in the spool after its part 1 was accepted
  // (part 2 failed twice); its id.
  std::string kept_after_part_one() {
    mm.push_reply(text_reply(200, "ok"));
    mm.push_reply(server_error(503));
    mm.push_reply(server_error(503));
    auto sent = run({"ops"}, kThreeParts);
    EXPECT_EQ(sent.exit_code, 1) << sent.err;
    EXPECT_EQ(pending(), 1u);
    EXPECT_EQ(mm_texts_with(kA), 1u);
    EXPECT_EQ(mm_texts_with(kC), 0u);
    auto listed = nlohmann::json::parse(run({"spool", "--json"}).out);
    return std::to_string(listed.at(0).at("id").get<long>());
  }

  // Appends a complete line to the pending journal, as a bad disk or a
  // hand edit would.
  void append_to_pending(const std::string& line) {
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(spool_dir()))
      if (e.path().extension() == ".msg") files.push_back(e.path());
    ASSERT_EQ(files.size(), 1u);
    std::ofstream(files[0], std::ios::app) << line << "\n";
  }

  // The flush that meets the damage sends nothing and reports a dead letter;
  // `notify spool retry` and a flush then send parts 2 and 3, never part 1
  // again (the man page's "Durable delivery").
  void expect_dead_letter_then_retry(const std::string& id, const std::string& what) {
    const auto requests = mm.request_count();
    auto f = run({"flush"});
    EXPECT_EQ(f.exit_code, 1) << f.err;
    EXPECT_THAT(f.err, HasSubstr("ops: not delivered: journal damaged: line "));
    EXPECT_THAT(f.err, HasSubstr(what));
    EXPECT_THAT(f.err, HasSubstr("`notify -c " + path + " spool retry " + id + "`"));
    EXPECT_THAT(f.err, HasSubstr("1 failed for good"));
    EXPECT_EQ(mm.request_count(), requests) << "nothing is sent from a damaged journal";
    EXPECT_EQ(mm_texts_with(kC), 0u) << "part 3 never arrived";
    EXPECT_EQ(pending(), 0u);
    EXPECT_EQ(failed(), 1u) << "a dead letter, not a delivered message";

    auto listed = run({"spool"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_THAT(listed.out, HasSubstr("failed"));
    EXPECT_THAT(listed.out, HasSubstr("journal damaged"));
    auto listed_json = nlohmann::json::parse(run({"spool", "--json"}).out);
    ASSERT_EQ(listed_json.size(), 1u);
    EXPECT_EQ(listed_json[0]["state"], "failed");
    EXPECT_THAT(listed_json[0]["last_error"].get<std::string>(), StartsWith("journal damaged: "));
    auto shown = run({"spool", "show", id});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_THAT(shown.out, HasSubstr("journal damaged"));
    EXPECT_THAT(shown.out, HasSubstr(what));

    auto again = run({"flush"});
    EXPECT_EQ(again.exit_code, 0) << "flush leaves dead letters alone\n" << again.err;
    EXPECT_EQ(mm.request_count(), requests);

    auto retried = run({"spool", "retry", id});
    EXPECT_EQ(retried.exit_code, 0) << retried.err;
    auto delivered = run({"flush"});
    EXPECT_EQ(delivered.exit_code, 0) << delivered.err;
    EXPECT_EQ(pending(), 0u);
    EXPECT_EQ(failed(), 0u);
    EXPECT_EQ(mm_texts_with(kA), 1u) << "part 1, proven delivered, is not sent again";
    EXPECT_EQ(mm_texts_with(kB), 3u) << "part 2: two failures, then delivered";
    EXPECT_EQ(mm_texts_with(kC), 1u);
  }
};

TEST_F(JournalDamageE2E, a_part_number_past_the_plan_makes_a_dead_letter_not_a_delivery) {
  const auto id = kept_after_part_one();
  append_to_pending(R"({"ev":"part","dest":"ops","part":9})");
  expect_dead_letter_then_retry(id, "part 9 of 'ops', whose plan has 3 part(s)");
}

TEST_F(JournalDamageE2E, a_negative_part_number_makes_a_dead_letter_not_a_delivery) {
  const auto id = kept_after_part_one();
  append_to_pending(R"({"ev":"part","dest":"ops","part":-3})");
  expect_dead_letter_then_retry(id, "part -3 of 'ops' is not a part number");
}

TEST_F(JournalDamageE2E, an_event_for_an_unknown_target_makes_a_dead_letter_not_a_delivery) {
  const auto id = kept_after_part_one();
  append_to_pending(R"({"ev":"done","target":"ghost","via":"ops"})");
  expect_dead_letter_then_retry(id, "done for 'ghost', which is not a target of this message");
}

// A crash mid-append leaves a torn last line: not damage. The next flush
// must not glue its own first event onto it, or a crash of that flush
// would lose the event (and send part 2 again).
TEST_F(JournalDamageE2E, a_torn_last_line_is_not_damage_and_never_swallows_the_next_event) {
  kept_after_part_one();
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(spool_dir()))
    if (e.path().extension() == ".msg") files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  std::ofstream(files[0], std::ios::app) << R"({"ev":"failed","target":"o)";  // no newline

  // This flush gets part 2 through, then waits out a 503 on part 3 and is
  // killed there.
  mm.push_reply(text_reply(200, "ok"));
  mm.push_reply(server_error_retry_after(503, 30));
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.timeout = std::chrono::seconds(60);
  const auto seen = mm.request_count();
  auto child = spawn({NOTIFY_BINARY, "-c", path, "flush", "--retries", "3"}, o);
  ASSERT_TRUE(mm.wait_for_requests(seen + 2, std::chrono::seconds(30)));
  child.signal(SIGKILL);
  child.wait();
  ASSERT_EQ(mm_texts_with(kB), 3u);

  auto after = run({"flush"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.err, Not(HasSubstr("journal damaged")));
  EXPECT_EQ(failed(), 0u);
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(mm_texts_with(kA), 1u);
  EXPECT_EQ(mm_texts_with(kB), 3u) << "part 2 was delivered twice";
  EXPECT_EQ(mm_texts_with(kC), 2u);
}

// --- Junk in the spool ------------------------------------------------------

class JunkSpoolE2E : public JournalDamageE2E {
 protected:
  std::string junk_path() const { return spool_dir() + "/000000000042.msg"; }

  // Random bytes (with a newline every 100 bytes when `lines`), named like
  // a real spool file.
  void write_junk(std::size_t mib, bool lines) {
    fs::create_directories(spool_dir());
    fs::permissions(spool_dir(), fs::perms::owner_all);
    std::ofstream out(junk_path(), std::ios::binary | std::ios::trunc);
    std::uint64_t x = 0x9e3779b97f4a7c15ull;
    std::string chunk(1 << 20, '\0');
    for (std::size_t m = 0; m < mib; ++m) {
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        chunk[i] = lines && i % 100 == 99 ? '\n' : static_cast<char>(x >> 56);
      }
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
    out.close();
    fs::permissions(junk_path(), fs::perms::owner_read | fs::perms::owner_write);
  }

  struct Cost {
    long rss_kib = 0;
    double cpu_seconds = 0;
  };
  // The least of three runs: what the command itself costs, not the noise
  // of a busy machine. Each run must refuse the junk and leave it alone.
  Cost cost_of(const std::vector<std::string>& args, int exit_code, const std::string& said) {
    Cost best{-1, 0};
    for (int i = 0; i < 3; ++i) {
      auto r = run(args, std::nullopt, true);
      EXPECT_EQ(r.exit_code, exit_code) << r.err;
      EXPECT_GT(r.max_rss_kib, 0);
      EXPECT_THAT(r.err, HasSubstr("000000000042.msg: not a notify spool file; left alone"));
      EXPECT_THAT(r.err, HasSubstr(said));
      if (best.rss_kib < 0 || r.max_rss_kib < best.rss_kib) best.rss_kib = r.max_rss_kib;
      if (i == 0 || r.cpu_seconds < best.cpu_seconds) best.cpu_seconds = r.cpu_seconds;
    }
    EXPECT_TRUE(fs::exists(junk_path()));
    return best;
  }

  void expect_bounded(bool lines) {
    const std::vector<std::tuple<std::vector<std::string>, int, std::string>> commands = {
        {{"flush"}, 0, "warning"},
        {{"spool", "list"}, 0, "warning"},
        {{"spool", "show", "42"}, 1, "error: spool show: "},
        {{"spool", "drop", "42"}, 1, "error: spool drop: "}};
    std::vector<Cost> small, big;
    write_junk(1, lines);
    for (const auto& [args, status, said] : commands) small.push_back(cost_of(args, status, said));
    write_junk(200, lines);
    for (const auto& [args, status, said] : commands) big.push_back(cost_of(args, status, said));
    EXPECT_EQ(fs::file_size(junk_path()), 200u << 20);
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const auto& name = std::get<0>(commands[i]);
      const std::string what = name[0] + (name.size() > 1 ? " " + name[1] : "");
      // Reading the junk whole would add 200 MiB (and more with ASan).
      EXPECT_LT(std::labs(big[i].rss_kib - small[i].rss_kib), 4096)
          << what << ": peak RSS " << small[i].rss_kib << " KiB with 1 MiB of junk, "
          << big[i].rss_kib << " KiB with 200 MiB";
      EXPECT_LT(big[i].cpu_seconds, small[i].cpu_seconds + 0.15)
          << what << ": CPU " << small[i].cpu_seconds << " s with 1 MiB of junk, "
          << big[i].cpu_seconds << " s with 200 MiB";
      std::cout << "[ junk     ] " << what << (lines ? " (lines)" : " (random)") << ": peak RSS "
                << small[i].rss_kib << " -> " << big[i].rss_kib << " KiB, CPU "
                << small[i].cpu_seconds << " -> " << big[i].cpu_seconds << " s\n";
    }
    EXPECT_EQ(mm.request_count(), 0u);
  }
};

TEST_F(JunkSpoolE2E, random_junk_costs_the_same_whatever_its_size) { expect_bounded(false); }

TEST_F(JunkSpoolE2E, junk_with_newlines_costs_the_same_whatever_its_size) { expect_bounded(true); }

}  // namespace
}  // namespace notify::test
