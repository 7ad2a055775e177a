#include "core/url.hpp"

#include <gtest/gtest.h>

namespace notify {
namespace {

TEST(UrlTest, AcceptsTheShapesServicesUse) {
  for (const char* ok : {"https://api.telegram.org", "http://127.0.0.1:8065/hooks/abc",
                         "https://user:pa%40ss@relay.example:443/x?token=1#f",
                         "http://[::1]:8080/hooks/x", "HTTPS://Chat.Example.COM",
                         "https://xn--bcher-kva.example/", "https://h\xC3\xA9.example/"})
    EXPECT_EQ(url_problem(ok), std::nullopt) << ok;
}

TEST(UrlTest, SaysWhatIsWrongWithoutQuotingTheUrl) {
  const std::pair<const char*, const char*> bad[] = {
      {"http://h:99999/", "has port 99999, outside 1-65535"},
      {"http://h:0/", "has port 0, outside 1-65535"},
      {"http://h:/", "has an empty port after ':'"},
      {"http://h:80a/", "has a port that is not a number from 1 to 65535"},
      {"http://[::1", "has an IPv6 address without its closing ']'"},
      {"http://[zz]/", "has a malformed IPv6 address in its host"},
      {"http:///hooks/x", "has no host after http://"},
      {"http://user@/x", "has no host after http://"},
      {"ftp://h/", "must start with http:// or https://, not ftp://"},
      {"h/hooks/x", "must start with http:// or https://"},
      {"http://h/a b", "holds a space (write it as %20)"},
      {"http://h/\r\nX: 1", "holds a control character (a line break or tab?)"},
      {"http://h/\xC2\x85", "holds a control character"},
      {"http://h\"x/", "has a character a host name cannot hold"},
      {"", "is empty"},
  };
  for (const auto& [url, why] : bad) EXPECT_EQ(url_problem(url), std::optional<std::string>(why)) << url;
}

TEST(UrlTest, SplitsAtTheLastAtSign) {
  const auto u = split_url("https://u:p@ss@host:8443/p/q?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->userinfo, "u:p@ss");
  EXPECT_EQ(u->host, "host");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->path, "/p/q");
  EXPECT_EQ(u->query, "x=1");
  EXPECT_EQ(u->fragment, "frag");
  EXPECT_FALSE(split_url("no scheme here"));
}

}  // namespace
}  // namespace notify
