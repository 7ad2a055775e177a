#include "delivery/retry.hpp"

#include <gtest/gtest.h>

namespace notify::delivery {
namespace {

using std::chrono::milliseconds;

TEST(RetryDelayTest, full_jitter_grows_exponentially_and_is_capped) {
  RetryPolicy p;
  p.base = milliseconds(500);
  p.cap = milliseconds(4000);
  EXPECT_EQ(retry_delay(p, 1, std::nullopt, 0.999).delay, milliseconds(499));
  EXPECT_EQ(retry_delay(p, 2, std::nullopt, 0.5).delay, milliseconds(500));
  EXPECT_EQ(retry_delay(p, 3, std::nullopt, 0.5).delay, milliseconds(1000));
  EXPECT_EQ(retry_delay(p, 10, std::nullopt, 0.5).delay, milliseconds(2000));
  EXPECT_EQ(retry_delay(p, 1, std::nullopt, 0.0).delay, milliseconds(0));
}

TEST(RetryDelayTest, server_retry_after_wins_and_is_capped) {
  RetryPolicy p;
  p.max_server_wait = milliseconds(60000);
  auto d = retry_delay(p, 1, milliseconds(7000), 0.9);
  EXPECT_EQ(d.delay, milliseconds(7000));
  EXPECT_FALSE(d.capped);
  d = retry_delay(p, 1, milliseconds(600000), 0.1);
  EXPECT_EQ(d.delay, milliseconds(60000));
  EXPECT_TRUE(d.capped);
}

}  // namespace
}  // namespace notify::delivery
