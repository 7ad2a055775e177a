#include "core/unique_fd.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <utility>

#include "support/temp_dir.hpp"

namespace notify {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

UniqueFd open_null() { return UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)); }

TEST(UniqueFdTest, closes_its_descriptor_when_it_goes_out_of_scope) {
  int raw = -1;
  {
    const UniqueFd fd = open_null();
    ASSERT_TRUE(fd.valid());
    raw = fd.get();
    EXPECT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFdTest, a_default_or_failed_one_owns_nothing) {
  EXPECT_FALSE(UniqueFd().valid());
  EXPECT_EQ(UniqueFd().get(), -1);
  const UniqueFd failed(::open("/nonexistent/notify-unique-fd", O_RDONLY | O_CLOEXEC));
  EXPECT_FALSE(failed.valid());
}

TEST(UniqueFdTest, moving_transfers_the_descriptor_without_closing_it) {
  UniqueFd a = open_null();
  const int raw = a.get();
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());  // a moved-from one is empty, by contract
  EXPECT_EQ(b.get(), raw);
  EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFdTest, assigning_over_one_closes_what_it_held) {
  UniqueFd a = open_null();
  UniqueFd b = open_null();
  const int old = a.get(), kept = b.get();
  a = std::move(b);
  EXPECT_FALSE(is_open(old));
  EXPECT_EQ(a.get(), kept);
  EXPECT_TRUE(is_open(kept));
  EXPECT_FALSE(b.valid());
}

TEST(UniqueFdTest, reset_closes_and_keeps_errno_for_the_failure_being_reported) {
  UniqueFd fd = open_null();
  const int raw = fd.get();
  errno = ENOSPC;
  fd.reset();
  EXPECT_EQ(errno, ENOSPC);
  EXPECT_FALSE(fd.valid());
  EXPECT_FALSE(is_open(raw));
  fd.reset();  // twice is harmless
  EXPECT_FALSE(fd.valid());
}

TEST(UniqueFdTest, release_gives_the_descriptor_up_open) {
  UniqueFd fd = open_null();
  const int raw = fd.release();
  EXPECT_FALSE(fd.valid());
  EXPECT_TRUE(is_open(raw));
  ::close(raw);
}

TEST(UniqueFdTest, a_lock_lives_as_long_as_its_owner_wherever_it_moves) {
  const test::TempDir tmp{"notify-unique-fd"};
  const auto path = tmp.write_file("lock", "").string();
  UniqueFd holder(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(holder.valid());
  ASSERT_EQ(::flock(holder.get(), LOCK_SH), 0);
  const UniqueFd other(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(other.valid());
  {
    const UniqueFd moved(std::move(holder));
    EXPECT_NE(::flock(other.get(), LOCK_EX | LOCK_NB), 0);
  }
  EXPECT_EQ(::flock(other.get(), LOCK_EX | LOCK_NB), 0);
  ::flock(other.get(), LOCK_UN);
}

}  // namespace
}  // namespace notify
