// TLS is always verified: a private CA works through ca_file or
// CURL_CA_BUNDLE, and nothing works without it.

#include "e2e.hpp"
#include "support/test_pki.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;

class HttpsE2E : public E2E {
 protected:
  TestPki pki;
  std::unique_ptr<FakeServer> tg;
  void SetUp() override {
    FakeServer::Options o;
    o.https = true;
    o.pki = &pki;
    tg = std::make_unique<FakeServer>(o);
    tg->set_handler(telegram_handler());
  }
  std::string profile(const std::string& extra) {
    return config("[profiles.me]\ntype = \"telegram\"\nretries = 0\ntoken = \"" +
                  std::string(kTgToken) + "\"\nchat_id = 111111111\napi_base = \"" +
                  tg->base_url() + "\"\n" + extra);
  }
};

TEST_F(HttpsE2E, delivers_with_the_test_ca_in_ca_file) {
  auto p = profile("ca_file = \"" + (pki.dir() / "ca.pem").string() + "\"\n");
  auto r = notify({"-c", p, "me"}, std::string("over tls\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(tg->request_count(), 1u);
  EXPECT_EQ(texts_of(tg->requests()[0]), std::vector<std::string>{"over tls"});
}

TEST_F(HttpsE2E, honours_curl_ca_bundle) {
  auto p = profile("");
  auto r = notify({"-c", p, "me", "x"}, std::nullopt,
                  {{"CURL_CA_BUNDLE", (pki.dir() / "ca.pem").string()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(HttpsE2E, fails_verification_without_the_ca) {
  auto r = notify({"-c", profile(""), "me", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("TLS verification failed"));
  EXPECT_THAT(r.err, HasSubstr("ca_file"));
  EXPECT_EQ(tg->request_count(), 0u);
  auto other = notify({"-c", profile("ca_file = \"" + (pki.dir() / "other-ca.pem").string() + "\"\n"),
                       "me", "x"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_EQ(tg->request_count(), 0u);
}

}  // namespace
}  // namespace notify::test
