// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/normalise.h"

#include <gtest/gtest.h>

#include "support/fixture.h"
#include "verifier/log_tail.h"

namespace vmtest {

TEST(Normalise, VerificationTime) {
  EXPECT_EQ(normalise_log_line("verification time 1234 usec"), "verification time N usec");
  EXPECT_EQ(normalise_log_line("verification time 7 usec\r"), "verification time N usec");
}

TEST(Normalise, FiveLevelPagingAddressesFromARealGuest) {
  // Debian 6.1 under TCG with -cpu max uses LA57; both lines are from two real boots.
  EXPECT_EQ(normalise_log_line("4: (18) r1 = 0xff1e6f9e1ef62400       ; R1_w=map_ptr(off=0,ks=4,vs=8,imm=0)"),
            normalise_log_line("4: (18) r1 = 0xff22f5345ef63800       ; R1_w=map_ptr(off=0,ks=4,vs=8,imm=0)"));
  EXPECT_EQ(normalise_log_line("4: (18) r1 = 0xff38d20601978000"), "4: (18) r1 = 0xKADDR");
  // A scalar bound below the kernel half keeps its value.
  EXPECT_EQ(normalise_log_line("R1=scalar(umax=0xfe00000000000000)"),
            "R1=scalar(umax=0xfe00000000000000)");
}

TEST(Normalise, MapPointerInLdImm64) {
  EXPECT_EQ(normalise_log_line("4: (18) r1 = 0xffff8c2a41f6e400"), "4: (18) r1 = 0xKADDR");
  // ksym addresses land in kernel text/data, which KASLR moves too.
  EXPECT_EQ(normalise_log_line("9: (18) r2 = 0xffffffff82a1c340"), "9: (18) r2 = 0xKADDR");
  // Two runs of the same program differ only in the address: after normalising they match.
  EXPECT_EQ(normalise_log_line("15: (18) r5 = 0xffffb2d4c0a1d000      ; R5_w=map_value(map=cfg.bss)"),
            normalise_log_line("15: (18) r5 = 0xffff9e01aa00c000      ; R5_w=map_value(map=cfg.bss)"));
}

TEST(Normalise, KeepsScalarBoundsAndMeaningfulHex) {
  for (std::string_view line : {
           "13: (bf) r1 = r4 ; R1_w=scalar(smin=0xffffffff80000000,smax=0x7fffffff)",
           "R1_w=scalar(umax=0xffffffff00000000,var_off=(0x0; 0xffffffff00000000))",
           "R2=scalar(umax=0xffffffffffffffff)",
           "12: (15) if r0 == 0x0 goto pc+3",
           "1: (18) r1 = 0x7fffffffffffffff",
           "unknown func bpf_loop#181",
           "invalid access to packet, off=29 size=1, R3(id=1,off=29,r=0)",
           "processed 24 insns (limit 1000000) max_states_per_insn 0 total_states 2 peak_states 2 mark_read 1",
           "from 7 to 11: R0=inv0 R10=fp0 fp-8=mmmm????",
           " R0_w=map_value(id=0,off=0,ks=4,vs=8,imm=0) R10=fp0",
       }) {
    EXPECT_EQ(normalise_log_line(line), std::string(line));
  }
}

TEST(Normalise, AddressesOutsideLdImm64OnlyFromLowKernelRanges) {
  EXPECT_EQ(normalise_log_line("R1=ptr_ 0xffff888003a4c000"), "R1=ptr_ 0xKADDR");
  // Not glued to another word, and exactly 16 digits.
  EXPECT_EQ(normalise_log_line("x0xffff888003a4c000"), "x0xffff888003a4c000");
  EXPECT_EQ(normalise_log_line("v 0xffff888003a4c0001"), "v 0xffff888003a4c0001");
}

TEST(Normalise, KernelAllocatedIds) {
  EXPECT_EQ(normalise_log_line("0: (18) r1 = map[id:17]"), "0: (18) r1 = map[id:N]");
  EXPECT_EQ(normalise_log_line("a[id:]"), "a[id:]");
}

TEST(Normalise, TrailingBlanksGoLeadingStay) {
  EXPECT_EQ(normalise_log_line(" R0=inv0  \t"), " R0=inv0");
}

TEST(Normalise, WholeFixtureTailIsStable) {
  auto tail = log_tail(testing::fixture("verifier/v6_12_too_large.log"), 4);
  auto norm = normalise_log_lines(tail);
  ASSERT_EQ(norm.size(), 4u);
  EXPECT_EQ(norm[0], "BPF program is too large. Processed 1000001 insn");
  EXPECT_EQ(norm[1], "verification time N usec");
  EXPECT_EQ(norm[2], "stack depth 64");
}

}  // namespace vmtest
