// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/helper_ids.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(HelperIds, NamesStableUapiIds) {
  EXPECT_EQ(helper_name_for_id(1), "bpf_map_lookup_elem");
  EXPECT_EQ(helper_name_for_id(173), "bpf_get_func_ip");
  EXPECT_EQ(helper_name_for_id(181), "bpf_loop");
}

TEST(HelperIds, UnspecAndOutOfRangeHaveNoName) {
  EXPECT_FALSE(helper_name_for_id(0));
  EXPECT_FALSE(helper_name_for_id(-1));
  EXPECT_FALSE(helper_name_for_id(100000));
}

} // namespace vmtest
