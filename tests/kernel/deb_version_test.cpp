// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/deb_version.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(DebVersion, OrdersLikeDpkg) {
  // Pairs checked against `dpkg --compare-versions A lt B`.
  const std::pair<const char*, const char*> less[] = {
      {"6.1.192-1", "6.1.192-2"},
      {"6.1.99-1", "6.1.192-1"},
      {"6.12.107-1", "6.12.108-1"},
      {"6.1.192-2~bpo1", "6.1.192-2"},
      {"1.0", "1.0-1"},
      {"1.0a", "1.0b"},
      {"9.9", "1:0.1"},
      {"1.0~rc1", "1.0"},
      {"1.0+deb12u1", "1.0+deb12u2"},
  };
  for (auto [a, b] : less) {
    EXPECT_LT(compare_debian_versions(a, b), 0) << a << " < " << b;
    EXPECT_GT(compare_debian_versions(b, a), 0) << b << " > " << a;
  }
  EXPECT_EQ(compare_debian_versions("6.1.192-2", "6.1.192-2"), 0);
  EXPECT_EQ(compare_debian_versions("01.0", "1.0"), 0);
}

} // namespace vmtest
