// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/missing_helper.h"

#include <gtest/gtest.h>

#include "support/fixture.h"

namespace vmtest {

TEST(MissingHelper, UnknownFuncByName) {
  EXPECT_EQ(missing_helper("5: (85) call bpf_loop#181\nunknown func bpf_loop#181\n"), "bpf_loop");
  EXPECT_EQ(missing_helper(testing::fixture("verifier/v6_1_unknown_func.log")),
            "bpf_skb_load_bytes");
}

TEST(MissingHelper, HelperIdBeyondOldKernel) {
  EXPECT_EQ(missing_helper(testing::fixture("verifier/v5_10_missing_helper.log")), "helper#173");
}

TEST(MissingHelper, Kfuncs) {
  EXPECT_EQ(missing_helper("calling kernel function bpf_obj_new_impl is not allowed\n"),
            "bpf_obj_new_impl");
  EXPECT_EQ(missing_helper("kernel btf_id 70561 not found\n"), "btf_id 70561");
  EXPECT_EQ(missing_helper("kernel btf_id 12 is not a function\n"), "btf_id 12");
  EXPECT_EQ(missing_helper("libbpf: extern (func ksym) 'bpf_rcu_read_lock': not found in kernel "
                           "or module BTFs\n"),
            "bpf_rcu_read_lock");
}

TEST(MissingHelper, OtherRejectionsAreNotMissingHelpers) {
  EXPECT_FALSE(missing_helper(testing::fixture("verifier/v6_12_rejected_mem.log")).has_value());
  EXPECT_FALSE(missing_helper(testing::fixture("verifier/v5_10_accepted.log")).has_value());
  EXPECT_FALSE(missing_helper("").has_value());
  // The call instruction itself names the helper but is not the error.
  EXPECT_FALSE(missing_helper("6: (85) call bpf_map_lookup_elem#1\n").has_value());
}

}  // namespace vmtest
