#include "results/hex.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(Hex, RoundTrip) {
  std::vector<uint8_t> bytes{0x00, 0x7f, 0x80, 0xff, 0x0a};
  EXPECT_EQ(to_hex(bytes), "007f80ff0a");
  EXPECT_EQ(*from_hex("007f80ff0a"), bytes);
}

TEST(Hex, AcceptsSeparatorsAndUppercase) {
  EXPECT_EQ(*from_hex("DE:AD be ef"), (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef}));
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace vmtest
