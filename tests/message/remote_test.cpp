#include "message/remote.hpp"

#include <gtest/gtest.h>

namespace notify::message {
namespace {

TEST(RemoteTextTest, DropsControlsEscapesAndBidiControls) {
  EXPECT_EQ(printable_remote("ops\x1b[2J\x1b]0;pwned\x07 room"), "ops room");
  EXPECT_EQ(printable_remote("a\xC2\x9B" "31mb\xC2\x85" "c\x7f" "d"), "abcd");  // U+009B is a CSI: "31m" goes with it
  EXPECT_EQ(printable_remote("\xE2\x80\xAE" "evil\xE2\x80\xAC \xE2\x81\xA6x\xE2\x81\xA9"), "evil x");
  EXPECT_EQ(printable_remote("line1\nline2\tend"), "line1 line2 end");
  EXPECT_EQ(printable_remote("bad\xFF byte"), "bad\xEF\xBF\xBD byte");
  EXPECT_EQ(printable_remote("\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"),
            "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9");
}

TEST(RemoteTextTest, AnHtmlPageIsItsStatusLine) {
  EXPECT_TRUE(is_html_page("text/html; charset=utf-8", "whatever"));
  EXPECT_TRUE(is_html_page("", "  \n<!doctype html><html>"));
  EXPECT_TRUE(is_html_page("text/plain", "<HTML><body>x"));
  EXPECT_FALSE(is_html_page("application/json", "{\"message\":\"<html>\"}"));
  EXPECT_EQ(remote_error_text(502, "text/html", "<html><body><h1>502</h1></body></html>"),
            "HTTP 502 Bad Gateway");
  EXPECT_EQ(remote_error_text(599, "", "<!DOCTYPE html>"), "HTTP 599");
  EXPECT_EQ(remote_error_text(400, "text/plain", "bad\nrequest\n"), "bad request");
  EXPECT_EQ(remote_error_text(400, "", std::string(300, 'x'), 10), std::string(10, 'x') + "\u2026");
}

}  // namespace
}  // namespace notify::message
