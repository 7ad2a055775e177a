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

namespace notify::spool {
namespace {

namespace fs = std::filesystem;

Record sample() {
  Record r;
  r.created_unix = 1764561600;
  r.message.title = "backup";
  r.message.body = "disk /var 91%\nline two";
  r.message.code = true;
  r.message.files.push_back({"a.bin", std::string("\0\1\2\xff binary", 12)});
  r.targets = {"ops", "me"};
  r.plans["ops"] = Plan{3, "abc", {}, std::nullopt};
  r.plans["family"] = Plan{1, "def", {"8c1f0e2a-0000-4000-8000-000000000001"}, std::nullopt};
  return r;
}

TEST(JournalTest, a_record_and_its_events_read_back) {
  Record r = sample();
  std::string text = encode_record(r);
  text += event_part("ops", 0);
  text += event_part("ops", 1);
  TargetState failed{2, "HTTP 500", false};
  text += event_failed("ops", failed);
  text += event_done("me", "family");
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->message.body, r.message.body);
  EXPECT_EQ(back->message.files.at(0).data, r.message.files.at(0).data);
  EXPECT_EQ(back->accepted.at("ops"), 2u);
  EXPECT_EQ(back->targets, std::vector<std::string>{"ops"});
  EXPECT_EQ(back->state.at("ops").attempts, 2);
  EXPECT_TRUE(back->have.count("family"));
  EXPECT_EQ(back->plans.at("family").uuids.at(0), "8c1f0e2a-0000-4000-8000-000000000001");
}

TEST(JournalTest, a_torn_last_event_is_ignored) {
  std::string text = encode_record(sample()) + event_part("ops", 0);
  const std::string torn = event_part("ops", 1);
  text += torn.substr(0, torn.size() / 2);  // the crash came mid-write
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->accepted.at("ops"), 1u);
}

TEST(JournalTest, a_new_plan_restarts_that_destinations_progress) {
  std::string text = encode_record(sample()) + event_part("ops", 0) + event_plan("ops", Plan{2, "new", {}, std::nullopt});
  auto back = decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->accepted.count("ops"), 0u);
  EXPECT_EQ(back->plans.at("ops").fingerprint, "new");
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
  Record a = sample(), b = sample();
  auto ja = spool.begin(a);
  auto jb = spool.begin(b);
  ASSERT_TRUE(ja && jb);
  EXPECT_EQ(a.id + 1, b.id);
  EXPECT_EQ(fs::status(spool.dir()).permissions() & fs::perms::all, fs::perms::owner_all);
  Journal other;
  EXPECT_EQ(spool.claim(a.id, false, other, nullptr), Spool::ClaimStatus::busy);
  ja->append(event_done("ops", "ops"));
  ja->append(event_done("me", "me"));
  auto settled = ja->settle();
  ASSERT_TRUE(settled);
  EXPECT_TRUE(settled->pending.empty());
  EXPECT_FALSE(fs::exists(spool.path_of(a.id, false)));
  EXPECT_TRUE(fs::exists(spool.path_of(b.id, false)));
}

TEST_F(SpoolTest, dead_targets_go_to_failed_and_the_rest_stays) {
  Record r = sample();
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
  std::ofstream(dir / "000000000003.msg") << encode_record(sample());
  fs::permissions(dir / "000000000003.msg", fs::perms::owner_read | fs::perms::owner_write |
                                                fs::perms::group_write);
  auto listing = spool.list();
  EXPECT_TRUE(listing.pending.empty());
  ASSERT_EQ(listing.refused.size(), 3u);
  EXPECT_THAT(listing.refused[0], ::testing::HasSubstr("not a regular file"));
  EXPECT_THAT(listing.refused[1], ::testing::HasSubstr("symbolic link"));
  EXPECT_THAT(listing.refused[2], ::testing::HasSubstr("writable by group or others"));
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

TEST_F(SpoolTest, an_id_counter_that_was_lost_does_not_reuse_ids) {
  Record a = sample();
  ASSERT_TRUE(spool.begin(a));
  fs::remove(fs::path(spool.dir()) / "seq");
  Record b = sample();
  ASSERT_TRUE(spool.begin(b));
  EXPECT_GT(b.id, a.id);
}

}  // namespace
}  // namespace notify::spool
