// dump_json must write exactly what nlohmann's dump writes (with invalid
// UTF-8 replaced): the spool fingerprints request bodies, so a resumed
// message from before the fast path must still match its plan.

#include <gtest/gtest.h>

#include <random>

#include "services/json_util.hpp"

namespace notify::services {
namespace {

using nlohmann::json;

std::string reference(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Text mixing what a log holds with what breaks escaping: quotes,
// backslashes, every control byte, DEL, valid sequences of each length,
// and bytes that are not UTF-8 (lone continuations, overlongs,
// surrogates, truncated sequences, F5..FF).
std::string random_text(std::mt19937& rng, bool allow_invalid) {
  static const std::vector<std::string> pieces = {
      "plain ascii text ", "\"", "\\", "\n", "\t", "\r", "\b", "\f", std::string(1, '\0'),
      "\x01", "\x1f", "\x7f", "é", "€", "😀", "\xC2\x80", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF",
      std::string(40, 'x')};
  static const std::vector<std::string> invalid = {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xE2\x82",
                                                   "\xF5", "\xFF", "\xF4\x90\x80\x80", "\xC2"};
  std::string s;
  const int n = std::uniform_int_distribution<int>(0, 12)(rng);
  for (int i = 0; i < n; ++i) {
    if (allow_invalid && std::uniform_int_distribution<int>(0, 9)(rng) == 0)
      s += invalid[std::uniform_int_distribution<std::size_t>(0, invalid.size() - 1)(rng)];
    else
      s += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
  }
  return s;
}

TEST(JsonDumpTest, matches_nlohmann_byte_for_byte_on_random_bodies) {
  std::mt19937 rng(20261207);
  for (int round = 0; round < 3000; ++round) {
    const bool invalid = round % 3 == 0;
    json j = {{"chat_id", round % 2 ? json(-100123) : json("@channel")},
              {"text", random_text(rng, invalid)},
              {"entities", json::array({{{"type", "bold"}, {"offset", 0}, {"length", round}}})},
              {random_text(rng, invalid), random_text(rng, invalid)},
              {"nested", {{"a", true}, {"b", nullptr}, {"c", 1.5}, {"d", json::array({random_text(rng, invalid)})}}}};
    ASSERT_EQ(dump_json(j), reference(j)) << "round " << round;
  }
}

TEST(JsonDumpTest, every_byte_alone) {
  for (int b = 0; b < 256; ++b) {
    const json j = {{"text", std::string(1, static_cast<char>(b)) + "after"}};
    ASSERT_EQ(dump_json(j), reference(j)) << "byte " << b;
  }
}

}  // namespace
}  // namespace notify::services
