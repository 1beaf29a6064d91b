// SPDX-License-Identifier: BSD-2-Clause
#include "results/deflate.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace {

TEST(Deflate, RoundTripsAnyBytes) {
  std::string text;
  for (int i = 0; i < 100000; ++i)
    text.push_back(static_cast<char>((i * 7919) % 256));
  for (const std::string& t : {std::string(), std::string("x"), text}) {
    auto back = inflate_text(deflate_text(t), t.size());
    ASSERT_TRUE(back.ok()) << back.error().str();
    EXPECT_EQ(*back, t);
  }
}

TEST(Deflate, ALogOfNearIdenticalLinesShrinksFivefold) {
  std::string log;
  for (int i = 0; i < 20000; ++i)
    log +=
        std::to_string(i) + ": (07) r1 += 1 ; R1_w=scalar(umax=" + std::to_string(i % 64) + ")\n";
  EXPECT_LT(deflate_text(log).size() * 5, log.size());
}

TEST(Deflate, RefusesToGrowPastItsLimit) {
  const std::string zeros(1 << 20, '\0');
  const std::string z = deflate_text(zeros);
  EXPECT_TRUE(inflate_text(z, zeros.size()).ok());
  auto r = inflate_text(z, zeros.size() - 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().what.find("past"), std::string::npos);
}

TEST(Deflate, DamagedCutOrTrailedStreamsAreErrors) {
  const std::string z = deflate_text(std::string(5000, 'a') + "end");
  EXPECT_FALSE(inflate_text(z.substr(0, z.size() / 2), 1 << 20).ok()); // cut short
  EXPECT_FALSE(inflate_text(z + "x", 1 << 20).ok());                   // trailing bytes
  EXPECT_FALSE(inflate_text("not zlib at all", 1 << 20).ok());
  std::string flipped = z;
  flipped[z.size() - 2] ^= 0x55; // the checksum
  EXPECT_FALSE(inflate_text(flipped, 1 << 20).ok());
}

} // namespace
} // namespace vmtest
