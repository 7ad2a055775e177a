#include "spool/journal.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "spool/spool.hpp"
#include "support/temp_dir.hpp"
#include "core/base64.hpp"

#include <nlohmann/json.hpp>

namespace notify::spool {
namespace {

namespace fs = std::filesystem;

Record journal_sample() {
  Record r;
  r.created_unix = 1764561600;
  r.message.title = "backup";
  r.message.body = "disk /var 91%\nline two";
  r.message.code = true;
  r.message.files.push_back({"a.bin", std::string("\0\1\2\xff binary", 12)});
  r.targets = {"ops", "me"};
  r.plans["ops"] = Plan{3, "abc", {}, std::nullopt, std::nullopt};
  r.plans["family"] = Plan{1, "def", {"8c1f0e2a-0000-4000-8000-000000000001"}, std::nullopt, std::nullopt};
  return r;
}

TEST(JournalTest, a_record_and_its_events_read_back) {
  Record r = journal_sample();
  std::string text = encode_record(r);
  text += event_part("ops", 0);
  text += event_part("ops", 1);
  TargetState failed{2, "HTTP 500", false};
  text += event_failed("ops", failed);
  text += event_part("family", 0);
  text += event_done("me", "family");
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "");
  EXPECT_EQ(back->message.body, r.message.body);
  EXPECT_EQ(back->message.files.at(0).data, r.message.files.at(0).data);
  EXPECT_EQ(back->accepted.at("ops"), 2u);
  EXPECT_EQ(back->targets, std::vector<std::string>{"ops"});
  EXPECT_EQ(back->state.at("ops").attempts, 2);
  EXPECT_TRUE(back->have.count("family"));
  EXPECT_EQ(back->plans.at("family").uuids.at(0), "8c1f0e2a-0000-4000-8000-000000000001");
}

TEST(JournalTest, a_torn_last_event_is_ignored) {
  std::string text = encode_record(journal_sample()) + event_part("ops", 0);
  const std::string torn = event_part("ops", 1);
  text += torn.substr(0, torn.size() / 2);  // the crash came mid-write
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->accepted.at("ops"), 1u);
  EXPECT_EQ(back->damaged, "") << "a torn last line is a crash mid-append, not damage";
}

TEST(JournalTest, a_new_plan_restarts_that_destinations_progress) {
  std::string text = encode_record(journal_sample()) + event_part("ops", 0) + event_plan("ops", Plan{2, "new", {}, std::nullopt, std::nullopt});
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->accepted.count("ops"), 0u);
  EXPECT_EQ(back->plans.at("ops").fingerprint, "new");
}

TEST(JournalTest, a_plans_lookup_answer_reads_back_from_its_event_and_its_record) {
  const Plan with{3, "fp", {"u1", "u2", "u3"}, "t", "!abc:example.org"};
  auto back = decode_journal(encode_record(journal_sample()) + event_plan("ops", with));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->plans.at("ops").lookup, "!abc:example.org");
  EXPECT_FALSE(back->plans.at("family").lookup) << "a plan without one has none";
  // Settling folds the events into the record line: the answer stays.
  auto again = decode_journal(encode_record(*back));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->plans.at("ops").lookup, "!abc:example.org");
}

// --- A damaged journal: lines that contradict the record ----------------
// journal_sample(): ops has a plan of 3 parts, family one of 1, me none; the
// targets are ops and me. The record is line 2, events start at line 3.

std::string with_lines(std::initializer_list<std::string> lines) {
  std::string text = encode_record(journal_sample());
  for (const auto& l : lines) text += l + "\n";
  return text;
}

TEST(JournalDamageTest, a_part_number_past_the_plan_is_damage_and_counts_nothing) {
  auto back = decode_journal(with_lines({R"({"ev":"part","dest":"ops","part":0})",
                                         R"({"ev":"part","dest":"ops","part":9})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "line 4: part 9 of 'ops', whose plan has 3 part(s), numbered from 0");
  EXPECT_EQ(back->accepted.at("ops"), 1u) << "only part 0 is proven";
}

TEST(JournalDamageTest, a_negative_or_fractional_part_number_is_damage) {
  for (const std::string part : {"-3", "1.5", "\"1\"", "null"}) {
    auto back = decode_journal(with_lines({R"({"ev":"part","dest":"ops","part":0})",
                                           R"({"ev":"part","dest":"ops","part":)" + part + "}"}));
    ASSERT_TRUE(back) << part;
    EXPECT_EQ(back->damaged, "line 4: part " + part + " of 'ops' is not a part number");
    EXPECT_EQ(back->accepted.at("ops"), 1u) << part;
  }
}

TEST(JournalDamageTest, a_part_of_a_destination_without_a_plan_is_damage) {
  auto back = decode_journal(with_lines({R"({"ev":"part","dest":"me","part":0})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "line 3: part 0 of 'me', which has no plan");
  EXPECT_EQ(back->accepted.count("me"), 0u);
}

TEST(JournalDamageTest, a_part_recorded_before_the_one_ahead_of_it_is_damage) {
  auto back = decode_journal(with_lines({R"({"ev":"part","dest":"ops","part":0})",
                                         R"({"ev":"part","dest":"ops","part":2})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "line 4: part 2 of 'ops' before part 1 was recorded");
  EXPECT_EQ(back->accepted.at("ops"), 1u) << "part 1 was never proven: it is sent again";
}

TEST(JournalDamageTest, an_event_for_a_target_the_message_does_not_have_is_damage) {
  auto back = decode_journal(with_lines({R"({"ev":"done","target":"ghost","via":"family"})",
                                         R"({"ev":"failed","target":"nobody","attempts":1,"error":"x","dead":true})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged,
            "line 3: done for 'ghost', which is not a target of this message (and 1 more line)");
  EXPECT_EQ(back->targets, (std::vector<std::string>{"ops", "me"}));
  EXPECT_TRUE(back->have.empty()) << "the line proves nothing about family";
  EXPECT_EQ(back->state.count("nobody"), 0u);
}

TEST(JournalDamageTest, done_through_a_destination_that_lacks_parts_is_damage) {
  auto back = decode_journal(with_lines({R"({"ev":"part","dest":"ops","part":0})",
                                         R"({"ev":"done","target":"ops","via":"ops"})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "line 4: done for 'ops' via 'ops' after 1 of its 3 part(s)");
  EXPECT_EQ(back->targets, (std::vector<std::string>{"ops", "me"})) << "ops still waits";
  EXPECT_FALSE(back->have.count("ops"));
}

TEST(JournalDamageTest, done_through_a_destination_that_has_it_all_is_not_damage) {
  auto back = decode_journal(with_lines({R"({"ev":"part","dest":"ops","part":0})",
                                         R"({"ev":"part","dest":"ops","part":1})",
                                         R"({"ev":"part","dest":"ops","part":2})",
                                         R"({"ev":"done","target":"ops","via":"ops"})",
                                         R"({"ev":"done","target":"me","via":"ops"})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "");
  EXPECT_TRUE(back->targets.empty());
}

TEST(JournalDamageTest, a_record_that_counts_more_parts_than_its_plan_is_damage) {
  Record r = journal_sample();
  r.accepted["ops"] = 7;
  r.accepted["me"] = 1;
  auto back = decode_journal(encode_record(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged,
            "line 2: the record counts 1 part(s) of 'me', which has no plan (and 1 more line)");
  EXPECT_TRUE(back->accepted.empty()) << "how far they got cannot be known: all of it again";
}

TEST(JournalDamageTest, an_unreadable_line_forgets_every_destinations_progress) {
  auto back = decode_journal(with_lines({R"({"ev":"part","dest":"ops","part":0})",
                                         "{\"ev\":\"pa\x01rt garbage",
                                         R"({"ev":"part","dest":"ops","part":1})",
                                         R"({"ev":"part","dest":"family","part":0})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "line 4: not a journal event");
  EXPECT_TRUE(back->accepted.empty()) << "the lost line may have been a new plan";
}

TEST(JournalDamageTest, an_event_of_an_unknown_kind_is_damage) {
  auto back = decode_journal(with_lines({R"({"ev":"teleported","target":"ops"})"}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "line 3: not a journal event");
}

TEST(JournalDamageTest, the_events_notify_writes_itself_are_never_damage) {
  Record r = journal_sample();
  std::string text = encode_record(r);
  Record live = r;
  for (const auto& ev : {event_plan("ops", Plan{2, "new", {}, std::nullopt, std::nullopt}), event_part("ops", 0),
                         event_part("ops", 1), event_done("ops", "ops"),
                         event_failed("me", TargetState{1, "HTTP 503", false})}) {
    EXPECT_EQ(apply_event(live, ev.substr(0, ev.size() - 1)), "") << ev;
    text += ev;
  }
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "");
  EXPECT_EQ(back->targets, std::vector<std::string>{"me"});
}

// --- Recognised by the first line ------------------------------------------

TEST(JournalRecogniseTest, a_journal_is_recognised_by_its_head_line_alone) {
  const std::string text = encode_record(journal_sample());
  const std::string head = text.substr(0, text.find('\n') + 1);
  EXPECT_LT(head.size(), 64u);
  EXPECT_TRUE(recognised(head, false));
  EXPECT_TRUE(recognised(text, true));
  Record big = journal_sample();
  big.message.files.push_back({"big.bin", std::string(200000, 'x')});
  const std::string big_text = encode_record(big);
  EXPECT_TRUE(recognised(std::string_view(big_text).substr(0, kRecogniseBytes), false));
}

TEST(JournalRecogniseTest, junk_is_not_recognised) {
  std::string random(kRecogniseBytes, '\0');
  std::uint32_t x = 12345;
  for (auto& c : random) c = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
  EXPECT_FALSE(recognised(random, false));
  EXPECT_FALSE(recognised("hello\nworld\n", true));
  EXPECT_FALSE(recognised(R"({"journal":"notify","version":99})" "\n", true));
  EXPECT_FALSE(recognised(R"({"some":"json"})" "\n", true));
  EXPECT_FALSE(recognised("", true));
  // A long first line that is not an earlier edition's record.
  EXPECT_FALSE(recognised("{\"data\":\"" + std::string(kRecogniseBytes, 'a'), false));
  EXPECT_FALSE(recognised("{\"accepted\":{" + std::string(kRecogniseBytes, 'a'), false));
}

// Earlier editions kept the whole record on the first line, so a long one
// is recognised by its beginning.
std::string second_edition(const std::string& body) {
  nlohmann::json j = {{"version", 2},
                      {"id", 5},
                      {"created", 1764561600},
                      {"message", {{"title", ""}, {"body", body}}},
                      {"targets", {"ops"}},
                      {"state", nlohmann::json::object()},
                      {"plans", nlohmann::json::object()},
                      {"accepted", nlohmann::json::object()},
                      {"have", nlohmann::json::array()}};
  return j.dump() + "\n";
}

TEST(JournalRecogniseTest, an_earlier_editions_long_record_line_is_recognised_by_its_start) {
  const std::string text = second_edition(std::string(300000, 'b')) +
                           R"({"ev":"failed","target":"ops","attempts":2,"error":"HTTP 503","dead":false})" "\n";
  ASSERT_GT(text.find('\n'), kRecogniseBytes);
  EXPECT_TRUE(recognised(std::string_view(text).substr(0, kRecogniseBytes), false));
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->message.body.size(), 300000u);
  EXPECT_EQ(back->state.at("ops").attempts, 2);
  EXPECT_EQ(back->damaged, "");
  // Cut inside a string, a number or an escape: still a beginning.
  for (std::size_t cut : {text.find("1764561600") + 4, text.find(R"("body":)") + 3,
                          text.find(R"("body":)") + 9})
    EXPECT_TRUE(recognised(std::string_view(text).substr(0, cut), false)) << text.substr(0, cut);
  std::string broken = text.substr(0, kRecogniseBytes);
  broken[kRecogniseBytes - 1] = '\x01';  // a control character inside the body string
  EXPECT_FALSE(recognised(broken, false));
}

TEST(JournalTest, garbage_is_not_a_record) {
  EXPECT_FALSE(decode_journal("{not json"));
  EXPECT_FALSE(decode_journal("[]\n"));
  EXPECT_FALSE(decode_journal(R"({"version":2,"id":1})"));
  EXPECT_FALSE(decode_journal(""));
}

TEST(JournalTest, base64_round_trips_every_byte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 255u, 256u}) {
    const auto s = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  }
  EXPECT_FALSE(base64_decode("abc"));
  EXPECT_FALSE(base64_decode("ab=c"));
}

class SpoolTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-spool"};
  Spool spool{(tmp.path() / "spool").string()};
};

TEST_F(SpoolTest, begin_numbers_messages_and_holds_them_until_settled) {
  Record a = journal_sample(), b = journal_sample();
  auto ja = spool.begin(a);
  auto jb = spool.begin(b);
  ASSERT_TRUE(ja && jb);
  EXPECT_EQ(a.id + 1, b.id);
  EXPECT_EQ(fs::status(spool.dir()).permissions() & fs::perms::all, fs::perms::owner_all);
  Journal other;
  EXPECT_EQ(spool.claim(a.id, false, other, nullptr), Spool::ClaimStatus::busy);
  ja->append(event_part("family", 0));
  ja->append(event_done("ops", "family"));
  ja->append(event_done("me", "family"));
  auto settled = ja->settle();
  ASSERT_TRUE(settled);
  EXPECT_TRUE(settled->pending.empty());
  EXPECT_FALSE(fs::exists(spool.path_of(a.id, false)));
  EXPECT_TRUE(fs::exists(spool.path_of(b.id, false)));
}

TEST_F(SpoolTest, dead_targets_go_to_failed_and_the_rest_stays) {
  Record r = journal_sample();
  auto j = spool.begin(r);
  ASSERT_TRUE(j);
  j->append(event_failed("ops", TargetState{1, "HTTP 400: invalid webhook", true}));
  j->append(event_failed("me", TargetState{4, "HTTP 503", false}));
  auto settled = j->settle();
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->dead, std::vector<std::string>{"ops"});
  EXPECT_EQ(settled->pending, std::vector<std::string>{"me"});
  auto listing = spool.list();
  ASSERT_EQ(listing.pending.size(), 1u);
  ASSERT_EQ(listing.failed.size(), 1u);
  EXPECT_EQ(listing.pending[0].record.targets, std::vector<std::string>{"me"});
  EXPECT_EQ(listing.failed[0].record.targets, std::vector<std::string>{"ops"});
  // Retried, the dead letter joins the pending part of the same message.
  ASSERT_TRUE(spool.retry(r.id));
  listing = spool.list();
  ASSERT_EQ(listing.pending.size(), 1u);
  EXPECT_TRUE(listing.failed.empty());
  EXPECT_EQ(listing.pending[0].record.targets, (std::vector<std::string>{"me", "ops"}));
  EXPECT_FALSE(listing.pending[0].record.state.at("ops").dead);
}

TEST_F(SpoolTest, hostile_files_are_refused_not_read) {
  ASSERT_TRUE(spool.prepare());
  const auto dir = fs::path(spool.dir());
  ASSERT_EQ(::mkfifo((dir / "000000000001.msg").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", dir / "000000000002.msg");
  std::ofstream(dir / "000000000003.msg") << encode_record(journal_sample());
  fs::permissions(dir / "000000000003.msg", fs::perms::owner_read | fs::perms::owner_write |
                                                fs::perms::group_write);
  auto listing = spool.list();
  EXPECT_TRUE(listing.pending.empty());
  ASSERT_EQ(listing.refused.size(), 3u);
  EXPECT_THAT(listing.refused[0].text(), ::testing::HasSubstr("not a regular file"));
  EXPECT_THAT(listing.refused[1].text(), ::testing::HasSubstr("symbolic link"));
  EXPECT_THAT(listing.refused[2].text(), ::testing::HasSubstr("writable by group or others"));
  Journal j;
  std::string why;
  EXPECT_EQ(spool.claim(1, false, j, &why), Spool::ClaimStatus::refused);
  EXPECT_EQ(spool.claim(2, false, j, &why), Spool::ClaimStatus::refused);
}

TEST_F(SpoolTest, an_empty_file_is_a_message_being_written_not_a_stranger) {
  ASSERT_TRUE(spool.prepare());
  std::ofstream(fs::path(spool.dir()) / "000000000009.msg");
  fs::permissions(fs::path(spool.dir()) / "000000000009.msg",
                  fs::perms::owner_read | fs::perms::owner_write);
  auto listing = spool.list();
  EXPECT_TRUE(listing.pending.empty());
  EXPECT_TRUE(listing.refused.empty());
  Journal j;
  EXPECT_EQ(spool.claim(9, false, j, nullptr), Spool::ClaimStatus::busy);
  // A fresh one is left to its writer; tidy removes only one a crash left.
  spool.tidy();
  EXPECT_TRUE(fs::exists(fs::path(spool.dir()) / "000000000009.msg"));
}

TEST_F(SpoolTest, a_second_edition_message_longer_than_what_recognises_it_is_still_read) {
  ASSERT_TRUE(spool.prepare());
  const auto path = fs::path(spool.dir()) / "000000000005.msg";
  std::ofstream(path) << second_edition(std::string(300000, 'b'));
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  auto listing = spool.list();
  EXPECT_TRUE(listing.refused.empty());
  ASSERT_EQ(listing.pending.size(), 1u);
  EXPECT_EQ(listing.pending[0].record.message.body.size(), 300000u);
  Journal j;
  ASSERT_EQ(spool.claim(5, false, j, nullptr), Spool::ClaimStatus::claimed);
  EXPECT_EQ(j.record().targets, std::vector<std::string>{"ops"});
}

TEST_F(SpoolTest, a_claim_cuts_off_a_torn_last_line_so_the_next_event_has_a_line_of_its_own) {
  Record r = journal_sample();
  {
    auto j = spool.begin(r);
    ASSERT_TRUE(j);
    j->append(event_part("ops", 0));
  }
  const auto path = spool.path_of(r.id, false);
  const std::string torn = event_part("ops", 1).substr(0, 12);  // the crash came mid-write
  std::ofstream(path, std::ios::app) << torn;
  {
    Journal j;
    ASSERT_EQ(spool.claim(r.id, false, j, nullptr), Spool::ClaimStatus::claimed);
    j.append(event_part("ops", 1));
    j.append(event_part("ops", 2));
  }  // and this claimant died before settling
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, encode_record(r) + event_part("ops", 0) + event_part("ops", 1) +
                      event_part("ops", 2));
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->damaged, "");
  EXPECT_EQ(back->accepted.at("ops"), 3u);
}

TEST_F(SpoolTest, an_id_counter_that_was_lost_does_not_reuse_ids) {
  Record a = journal_sample();
  ASSERT_TRUE(spool.begin(a));
  fs::remove(fs::path(spool.dir()) / "seq");
  Record b = journal_sample();
  ASSERT_TRUE(spool.begin(b));
  EXPECT_GT(b.id, a.id);
}

}  // namespace
}  // namespace notify::spool
