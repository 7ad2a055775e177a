// FakeMatrix validates like a homeserver: the token, the path, membership,
// transaction ids, content shape, size, edits and alias lookups.

#include "support/fake_matrix.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "transport/curl_http_client.hpp"
#include "transport/sync.hpp"

namespace notify::test {
namespace {

class FakeMatrixTest : public ::testing::Test {
 protected:
  FakeServer server;
  FakeMatrix matrix;
  void SetUp() override { server.set_handler(matrix.handler()); }
  HttpResponse put(const std::string& room, const std::string& txn, const std::string& body,
                   const std::string& token = MatrixOptions{}.token) {
    CurlHttpClient client;
    HttpRequest r{"PUT", server.base_url() + "/_matrix/client/v3/rooms/" + room +
                             "/send/m.room.message/" + txn,
                  {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                  body};
    return perform(client, r, {});
  }
  static std::string errcode(const HttpResponse& r) {
    return nlohmann::json::parse(r.body).value("errcode", "");
  }
};

TEST_F(FakeMatrixTest, validates_token_membership_shape_and_size) {
  const std::string room = "%21ops%3Afake.test";
  const std::string ok = R"({"msgtype":"m.text","body":"hi","m.mentions":{}})";
  EXPECT_EQ(errcode(put(room, "t0", ok, "wrong")), "M_UNKNOWN_TOKEN");
  EXPECT_EQ(errcode(put("%21other%3Afake.test", "t1", ok)), "M_FORBIDDEN");
  EXPECT_EQ(errcode(put(room, "t2", R"({"body":"no type"})")), "M_BAD_JSON");
  EXPECT_EQ(errcode(put(room, "t3", R"({"msgtype":"m.text","body":"x","format":"org.matrix.custom.html"})")),
            "M_BAD_JSON");
  const auto big = put(room, "t4", R"({"msgtype":"m.text","body":")" + std::string(70000, 'x') + "\"}");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(errcode(big), "M_TOO_LARGE");
  EXPECT_TRUE(matrix.events().empty());
}

TEST_F(FakeMatrixTest, the_same_transaction_is_one_event_and_edits_change_what_the_room_shows) {
  const std::string room = "%21ops%3Afake.test";
  const auto a = put(room, "t1", R"({"msgtype":"m.text","body":"first","m.mentions":{}})");
  const auto b = put(room, "t1", R"({"msgtype":"m.text","body":"first","m.mentions":{}})");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(matrix.events().size(), 1u);
  EXPECT_EQ(matrix.replays(), 1u);
  const std::string id = nlohmann::json::parse(a.body)["event_id"];
  const auto edit = put(room, "t2",
                        R"({"msgtype":"m.text","body":"* second","m.new_content":{"msgtype":"m.text","body":"second"},)"
                        R"("m.relates_to":{"rel_type":"m.replace","event_id":")" + id + "\"}}");
  ASSERT_EQ(edit.status, 200) << edit.body;
  EXPECT_EQ(matrix.current_text(id), "second");
  EXPECT_EQ(matrix.messages().size(), 1u);
  matrix.redact(id);
  const auto gone = put(room, "t3",
                        R"({"msgtype":"m.text","body":"* third","m.new_content":{"msgtype":"m.text","body":"third"},)"
                        R"("m.relates_to":{"rel_type":"m.replace","event_id":")" + id + "\"}}");
  EXPECT_EQ(gone.status, 404);
}

TEST_F(FakeMatrixTest, aliases_are_looked_up_and_counted) {
  CurlHttpClient client;
  const auto auth = Header{"Authorization", "Bearer " + MatrixOptions{}.token};
  const auto known = perform(
      client, HttpRequest{"GET", server.base_url() + "/_matrix/client/v3/directory/room/%23ops%3Afake.test", {auth}, ""}, {});
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(nlohmann::json::parse(known.body)["room_id"], "!ops:fake.test");
  const auto unknown = perform(
      client, HttpRequest{"GET", server.base_url() + "/_matrix/client/v3/directory/room/%23nope%3Afake.test", {auth}, ""}, {});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(matrix.lookups(), 2u);
}

}  // namespace
}  // namespace notify::test
