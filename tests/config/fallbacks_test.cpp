// Fallback cycles, as `notify check` reports them.

#include "config/fallbacks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace notify::config {
namespace {

using Cycles = std::vector<std::vector<std::string>>;

Config with_fallbacks(std::map<std::string, std::vector<std::string>> fallbacks) {
  Config c;
  for (auto& [name, to] : fallbacks) {
    Profile p;
    p.name = name;
    p.fallback = to;
    c.profiles.emplace(name, std::move(p));
  }
  return c;
}

TEST(FallbacksTest, chains_without_a_ring_have_no_cycle) {
  EXPECT_TRUE(fallback_cycles(with_fallbacks({{"a", {"b", "c"}}, {"b", {"c"}}, {"c", {}}})).empty());
  EXPECT_TRUE(fallback_cycles(with_fallbacks({{"a", {}}})).empty());
}

TEST(FallbacksTest, a_profile_that_falls_back_to_itself) {
  EXPECT_EQ(fallback_cycles(with_fallbacks({{"ops", {"ops"}}})), (Cycles{{"ops", "ops"}}));
}

TEST(FallbacksTest, an_indirect_ring_is_named_once_from_its_smallest_name) {
  const auto cycles = fallback_cycles(with_fallbacks({{"c", {"a"}}, {"a", {"b"}}, {"b", {"c"}}}));
  EXPECT_EQ(cycles, (Cycles{{"a", "b", "c", "a"}}));
  EXPECT_EQ(cycle_text(cycles.front()), "a -> b -> c -> a");
}

TEST(FallbacksTest, a_ring_reached_from_outside_is_still_found) {
  const auto cycles =
      fallback_cycles(with_fallbacks({{"entry", {"x"}}, {"x", {"y"}}, {"y", {"x"}}, {"z", {}}}));
  EXPECT_EQ(cycles, (Cycles{{"x", "y", "x"}}));
}

}  // namespace
}  // namespace notify::config
