// SPDX-License-Identifier: BSD-2-Clause
#include "results/hex.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(HexTest, RoundTripsLowercase) {
  auto b = parse_hex("00FFa5");
  ASSERT_TRUE(b.ok()) << b.error().str();
  EXPECT_EQ(*b, (std::vector<uint8_t>{0x00, 0xff, 0xa5}));
  EXPECT_EQ(to_hex(*b), "00ffa5");
}

TEST(HexTest, SeparatorsBetweenBytesAreIgnored) {
  auto b = parse_hex("02:00:00 0a-0b\n\t0c");
  ASSERT_TRUE(b.ok()) << b.error().str();
  EXPECT_EQ(to_hex(*b), "0200000a0b0c");
}

TEST(HexTest, EmptyIsNoBytes) {
  auto b = parse_hex("");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
}

TEST(HexTest, OddDigitCountIsAnError) {
  auto b = parse_hex("abc");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("odd number"), std::string::npos);
}

TEST(HexTest, BadCharacterIsReportedWithOffset) {
  auto b = parse_hex("00zz");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("'z' at offset 2"), std::string::npos) << b.error().str();
}

TEST(HexTest, SeparatorInsideAByteIsAnError) {
  EXPECT_FALSE(parse_hex("0 0").ok());
}

} // namespace vmtest
