// SPDX-License-Identifier: BSD-2-Clause
#include "run/guest_cpus.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(GuestCpus, TwoOnlyWithTwoCoresForEveryVmAtOnce) {
  EXPECT_EQ(guest_cpus(0, 1, 2), 2); // one row on two cores
  EXPECT_EQ(guest_cpus(0, 2, 2), 1); // the matrix on two cores: a VM per core already
  EXPECT_EQ(guest_cpus(0, 1, 1), 1); // taskset -c 0
  EXPECT_EQ(guest_cpus(0, 2, 4), 2);
  EXPECT_EQ(guest_cpus(0, 3, 4), 1);
  EXPECT_EQ(guest_cpus(0, 1, 64), 2); // more than two is asked for, never given unasked
}

TEST(GuestCpus, AskedForIsKeptWithinTheCap) {
  EXPECT_EQ(guest_cpus(1, 1, 2), 1);
  EXPECT_EQ(guest_cpus(2, 6, 2), 2);
  EXPECT_EQ(guest_cpus(100, 1, 2), kMaxGuestCpus);
}

TEST(GuestCpus, AvailableCoresCountsTheAffinityMask) {
  EXPECT_GE(available_cores(), 1);
}

} // namespace vmtest
