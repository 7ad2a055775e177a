#include "services/multipart.hpp"

#include <gtest/gtest.h>

namespace notify::services {
namespace {

TEST(MultipartTest, encodes_fields_and_files) {
  auto m = encode_multipart({{"chat_id", "42", "", ""}, {"document", "a\r\nb", "x\"y.txt", ""}}, "B");
  EXPECT_EQ(m.content_type, "multipart/form-data; boundary=B");
  EXPECT_EQ(m.body,
            "--B\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n"
            "--B\r\nContent-Disposition: form-data; name=\"document\"; filename=\"x_y.txt\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\na\r\nb\r\n--B--\r\n");
}

TEST(MultipartTest, boundary_never_occurs_in_a_value) {
  auto m = encode_multipart({{"f", "--B--B", "", ""}}, "B");
  EXPECT_EQ(m.content_type, "multipart/form-data; boundary=Bx");
}

}  // namespace
}  // namespace notify::services
