// The end of a run: results that could not be written fail it.

#include "cli/output.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>

namespace notify::cli {
namespace {

// A stream buffer that refuses every byte, like a full disk.
struct FullBuf : std::streambuf {
  int overflow(int) override { return traits_type::eof(); }
};

TEST(OutputTest, WrittenResultsKeepTheStatus) {
  std::ostringstream out, err;
  out << "ok\n";
  EXPECT_EQ(finish_output(out, err, 0), 0);
  EXPECT_EQ(finish_output(out, err, 2), 2);
  EXPECT_EQ(err.str(), "");
}

TEST(OutputTest, UnwrittenResultsAreOneLineAndStatus1) {
  FullBuf full;
  std::ostream out(&full);
  std::ostringstream err;
  out << "a table nobody will see\n";
  EXPECT_EQ(finish_output(out, err, 0), kExitOutputFailed);
  EXPECT_EQ(kExitOutputFailed, 1);
  EXPECT_EQ(err.str().rfind("notify: error: cannot write to standard output", 0), 0u);
  EXPECT_EQ(err.str().find('\n'), err.str().size() - 1);
}

TEST(OutputTest, AFailureSaidDuringTheRunIsNotSaidTwice) {
  FullBuf full;
  std::ostream out(&full);
  std::ostringstream err;
  out << "{\"target\":\"ops\"}\n";
  EXPECT_EQ(finish_output(out, err, 1, true), 1);
  EXPECT_EQ(err.str(), "");
}

TEST(OutputTest, AnEarlierErrorStatusIsKept) {
  FullBuf full;
  std::ostream out(&full);
  std::ostringstream err;
  out << "x";
  EXPECT_EQ(finish_output(out, err, 2), 2);
  EXPECT_NE(err.str().find("cannot write"), std::string::npos);
}

}  // namespace
}  // namespace notify::cli
