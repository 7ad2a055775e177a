// URL keys that notify adds to: a #fragment anywhere, or a ?query on a base
// URL, would put notify's additions where no server sees them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/schema.hpp"
#include "services/registry.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;

std::string problem_of(std::string_view type, std::string_view key, std::string_view value) {
  const auto* service = find_service(type);
  EXPECT_NE(service, nullptr) << type;
  if (!service) return "";
  const auto* spec = service->schema.key(key);
  EXPECT_NE(spec, nullptr) << key;
  return spec ? config::value_problem(service->schema, *spec, value) : "";
}

TEST(BaseUrlTest, a_base_url_takes_no_query) {
  EXPECT_THAT(problem_of("gotify", "server", "https://push.example.com/message?token=x"),
              HasSubstr("without a ?query"));
  EXPECT_THAT(problem_of("matrix", "homeserver", "https://matrix.example.org/?x=1"),
              HasSubstr("without a ?query"));
  EXPECT_THAT(problem_of("pushover", "api_base", "https://api.example.net/?x=1"),
              HasSubstr("without a ?query"));
  EXPECT_EQ(problem_of("gotify", "server", "https://push.example.com/gotify"), "");
  EXPECT_EQ(problem_of("matrix", "homeserver", "https://matrix.example.org"), "");
}

TEST(BaseUrlTest, no_url_key_takes_a_fragment) {
  for (const auto* service : all_services())
    for (const auto& key : service->schema.keys) {
      if (key.type != config::KeyType::url) continue;
      SCOPED_TRACE(std::string(service->schema.type) + "." + std::string(key.name));
      EXPECT_THAT(config::value_problem(service->schema, key, "https://example.com/a#frag"),
                  HasSubstr("#fragment"));
    }
}

}  // namespace
}  // namespace notify::services
