// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/log_tail.h"

#include <gtest/gtest.h>

#include "support/fixture.h"

namespace vmtest {
using Lines = std::vector<std::string>;

TEST(LogTail, LastNonEmptyLines) {
  EXPECT_EQ(log_tail("a\nb\n\nc\n\n", 2), (Lines{"b", "c"}));
  EXPECT_EQ(log_tail("a\nb\nc\n", 10), (Lines{"a", "b", "c"}));
}

TEST(LogTail, MissingFinalNewline) { EXPECT_EQ(log_tail("one\ntwo", 1), (Lines{"two"})); }

TEST(LogTail, NulTerminatedBuffer) {
  std::string buf("first\nsecond\n\0\0stale text from a previous load\n", 49);
  EXPECT_EQ(log_tail(buf, 5), (Lines{"first", "second"}));
}

TEST(LogTail, StripsTrailingBlanksButKeepsIndentation) {
  EXPECT_EQ(log_tail(" R0=inv0 R10=fp0  \r\nx\t\n   \n", 3), (Lines{" R0=inv0 R10=fp0", "x"}));
}

TEST(LogTail, EmptyInputsAndZero) {
  EXPECT_TRUE(log_tail("", 3).empty());
  EXPECT_TRUE(log_tail("\n\n  \n", 3).empty());
  EXPECT_TRUE(log_tail("a\nb\n", 0).empty());
}

TEST(LogTail, FixtureEndsWithErrorAndSummary) {
  auto tail = log_tail(testing::fixture("verifier/v6_12_rejected_mem.log"), 3);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0], "invalid access to packet, off=29 size=1, R3(id=1,off=29,r=0)");
  EXPECT_EQ(tail[1], "R3 offset is outside of the packet");
  EXPECT_EQ(tail[2].rfind("processed 24 insns", 0), 0u);
}

}  // namespace vmtest
