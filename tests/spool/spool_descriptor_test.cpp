// Every path of the spool, failing ones included, closes what it opened and
// keeps a journal's lock exactly as long as the Journal that holds it: a
// leaked descriptor would hold a message's lock until the process ends, and
// one closed early would let a second notify deliver it alongside.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <type_traits>
#include <utility>

#include "spool/journal.hpp"
#include "spool/spool.hpp"
#include "support/open_fds.hpp"
#include "support/temp_dir.hpp"

namespace notify::spool {
namespace {

namespace fs = std::filesystem;
using test::open_fds;

// The hand-written moves this replaced were noexcept; the implicit ones
// (UniqueFd's and the members') must stay so.
static_assert(std::is_nothrow_move_constructible_v<Journal>);
static_assert(std::is_nothrow_move_assignable_v<Journal>);
static_assert(!std::is_copy_constructible_v<Journal>);

Record spool_descriptor_sample() {
  Record r;
  r.created_unix = 1764561600;
  r.message.body = "disk /var 91%";
  r.targets = {"ops", "me"};
  return r;
}

class SpoolDescriptorTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-spool-fd"};
  Spool spool{(tmp.path() / "spool").string()};
  fs::path dir() const { return spool.dir(); }

  void write(const std::string& name, const std::string& text, fs::perms perms) const {
    std::ofstream(dir() / name) << text;
    fs::permissions(dir() / name, perms);
  }
  static constexpr fs::perms kPrivate = fs::perms::owner_read | fs::perms::owner_write;

  // One file for each way a claim or a listing turns a file down.
  void fill_with_strangers() const {
    ASSERT_EQ(::mkfifo((dir() / "000000000101.msg").c_str(), 0600), 0);
    fs::create_symlink("/dev/zero", dir() / "000000000102.msg");
    write("000000000103.msg", encode_record(spool_descriptor_sample()), kPrivate | fs::perms::group_write);
    write("000000000104.msg", "not a journal\n", kPrivate);
    write("000000000105.msg", "", kPrivate);  // a sender is writing it
    write("20250101T000000-junk.msg", "not a journal either\n", kPrivate);  // a first-edition name
  }
};

TEST_F(SpoolDescriptorTest, every_claim_that_is_not_claimed_closes_what_it_opened) {
  Record r = spool_descriptor_sample();
  auto held = spool.begin(r);
  ASSERT_TRUE(held);
  fill_with_strangers();
  const auto before = open_fds();
  Journal j;
  std::string why;
  EXPECT_EQ(spool.claim(r.id, false, j, &why), Spool::ClaimStatus::busy);
  EXPECT_EQ(spool.claim(101, false, j, &why), Spool::ClaimStatus::refused);
  EXPECT_EQ(why, "not a regular file");
  EXPECT_EQ(spool.claim(102, false, j, &why), Spool::ClaimStatus::refused);
  EXPECT_EQ(spool.claim(103, false, j, &why), Spool::ClaimStatus::refused);
  EXPECT_EQ(spool.claim(104, false, j, &why), Spool::ClaimStatus::refused);
  EXPECT_EQ(why, "not a notify spool file");
  EXPECT_EQ(spool.claim(105, false, j, &why), Spool::ClaimStatus::busy);
  EXPECT_EQ(spool.claim(999, false, j, &why), Spool::ClaimStatus::gone);
  EXPECT_FALSE(j.open());
  EXPECT_EQ(open_fds(), before);
}

TEST_F(SpoolDescriptorTest, a_listing_and_a_tidy_close_every_file_they_read) {
  Record r = spool_descriptor_sample();
  auto held = spool.begin(r);
  ASSERT_TRUE(held);
  fill_with_strangers();
  // What a crashed writer left a while ago, and tidy removes.
  write(".tmp-1-000000000007.msg", "half", kPrivate);
  write("000000000106.msg", "", kPrivate);
  const auto long_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(dir() / ".tmp-1-000000000007.msg", long_ago);
  fs::last_write_time(dir() / "000000000106.msg", long_ago);
  const auto before = open_fds();

  const auto listing = spool.list();
  EXPECT_EQ(listing.pending.size(), 1u);
  EXPECT_EQ(listing.refused.size(), 4u);
  EXPECT_EQ(open_fds(), before);

  spool.tidy();
  EXPECT_FALSE(fs::exists(dir() / ".tmp-1-000000000007.msg"));
  EXPECT_FALSE(fs::exists(dir() / "000000000106.msg"));
  EXPECT_TRUE(fs::exists(dir() / "20250101T000000-junk.msg"));  // not a journal: left alone
  EXPECT_EQ(open_fds(), before);
}

TEST_F(SpoolDescriptorTest, a_compact_that_cannot_create_its_file_keeps_the_hold) {
  Record r = spool_descriptor_sample();
  auto j = spool.begin(r);
  ASSERT_TRUE(j);
  const auto name = fs::path(j->path()).filename().string();
  write(".tmp-" + std::to_string(::getpid()) + "-" + name, "in the way", kPrivate);
  const auto before = open_fds();
  const auto c = j->compact();
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, ::testing::HasSubstr("creating"));
  EXPECT_TRUE(j->open());
  Journal other;
  EXPECT_EQ(spool.claim(r.id, false, other, nullptr), Spool::ClaimStatus::busy);
  EXPECT_EQ(open_fds(), before);
}

TEST_F(SpoolDescriptorTest, a_compact_that_cannot_rename_closes_its_new_file_and_keeps_the_old) {
  Record r = spool_descriptor_sample();
  auto j = spool.begin(r);
  ASSERT_TRUE(j);
  // A non-empty directory has taken the journal's name: the new file is
  // created, locked and written, and only the rename fails.
  fs::remove(j->path());
  fs::create_directory(j->path());
  std::ofstream(fs::path(j->path()) / "inside") << "x";
  const auto before = open_fds();
  const auto c = j->compact();
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, ::testing::HasSubstr("rewriting " + j->path()));
  // The same descriptors: the new one closed, the held one still open.
  EXPECT_EQ(open_fds(), before);
  EXPECT_TRUE(j->open());
  const auto name = fs::path(j->path()).filename().string();
  EXPECT_FALSE(fs::exists(dir() / (".tmp-" + std::to_string(::getpid()) + "-" + name)));
}

TEST_F(SpoolDescriptorTest, a_settle_that_cannot_write_the_dead_letter_still_ends_the_hold) {
  ASSERT_TRUE(spool.prepare());
  write("failed", "a file where failed/ should be", kPrivate);
  const auto before = open_fds();
  Record r = spool_descriptor_sample();
  auto j = spool.begin(r);
  ASSERT_TRUE(j);
  j->append(event_failed("ops", TargetState{1, "HTTP 400", true}));
  ASSERT_FALSE(j->settle());
  EXPECT_FALSE(j->open());
  EXPECT_EQ(open_fds(), before);
  // Released: the next flush gets the message, its events intact.
  Journal again;
  ASSERT_EQ(spool.claim(r.id, false, again, nullptr), Spool::ClaimStatus::claimed);
  EXPECT_TRUE(again.record().state.at("ops").dead);
}

TEST_F(SpoolDescriptorTest, a_begin_whose_counter_cannot_be_written_leaves_no_descriptor) {
  ASSERT_TRUE(spool.prepare());
  // A FIFO opens, locks and reads (nothing), then refuses the write.
  ASSERT_EQ(::mkfifo((dir() / "seq").c_str(), 0600), 0);
  const auto before = open_fds();
  Record r = spool_descriptor_sample();
  const auto j = spool.begin(r);
  ASSERT_FALSE(j);
  EXPECT_THAT(j.error().message, ::testing::HasSubstr("writing " + (dir() / "seq").string()));
  EXPECT_EQ(open_fds(), before);
}

TEST_F(SpoolDescriptorTest, a_check_writable_that_cannot_rename_its_probe_leaves_no_descriptor) {
  ASSERT_TRUE(spool.prepare());
  const auto renamed = dir() / (".tmp-probe-" + std::to_string(::getpid()) + "-renamed");
  fs::create_directory(renamed);
  std::ofstream(renamed / "inside") << "x";
  const auto before = open_fds();
  const auto w = spool.check_writable();
  ASSERT_FALSE(w);
  EXPECT_THAT(w.error().message, ::testing::HasSubstr("cannot update the spool"));
  EXPECT_EQ(open_fds(), before);
  EXPECT_FALSE(fs::exists(dir() / (".tmp-probe-" + std::to_string(::getpid()))));
}

TEST_F(SpoolDescriptorTest, a_moved_journal_keeps_its_hold_and_one_assigned_over_lets_it_go) {
  ASSERT_TRUE(spool.prepare());
  const auto before = open_fds();
  Record a = spool_descriptor_sample(), b = spool_descriptor_sample();
  auto ja = spool.begin(a);
  auto jb = spool.begin(b);
  ASSERT_TRUE(ja && jb);
  {
    Journal moved = std::move(*ja);
    EXPECT_TRUE(moved.open());
    Journal other;
    EXPECT_EQ(spool.claim(a.id, false, other, nullptr), Spool::ClaimStatus::busy);
    moved = std::move(*jb);
    EXPECT_EQ(spool.claim(a.id, false, other, nullptr), Spool::ClaimStatus::claimed);
    Journal third;
    EXPECT_EQ(spool.claim(b.id, false, third, nullptr), Spool::ClaimStatus::busy);
    ASSERT_TRUE(moved.remove());
    EXPECT_FALSE(moved.open());
  }
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace notify::spool
