// SPDX-License-Identifier: BSD-2-Clause
#include "core/arch.h"

#include <elf.h>
#include <gtest/gtest.h>

namespace vmtest {
namespace {

TEST(Arch, MatrixSpellingRoundTrips) {
  for (Arch a : {Arch::x86_64, Arch::arm64})
    EXPECT_EQ(parse_arch(to_string(a)), a) << to_string(a);
  // Only the matrix spelling: Debian's and uname's names are other fields' business.
  EXPECT_FALSE(parse_arch("amd64"));
  EXPECT_FALSE(parse_arch("aarch64"));
  EXPECT_FALSE(parse_arch(""));
}

TEST(Arch, NamesEachConsumerNeeds) {
  EXPECT_EQ(debian_arch(Arch::x86_64), "amd64");
  EXPECT_EQ(debian_arch(Arch::arm64), "arm64");
  EXPECT_EQ(uname_machine(Arch::x86_64), "x86_64");
  EXPECT_EQ(uname_machine(Arch::arm64), "aarch64");
  EXPECT_EQ(multiarch_tuple(Arch::arm64), "aarch64-linux-gnu");
  EXPECT_EQ(elf_machine(Arch::arm64), EM_AARCH64);
  EXPECT_EQ(arch_of_elf_machine(EM_X86_64), Arch::x86_64);
  EXPECT_EQ(arch_of_elf_machine(EM_AARCH64), Arch::arm64);
  EXPECT_FALSE(arch_of_elf_machine(EM_RISCV));
}

TEST(Arch, HostArchIsWhatThisBinaryWasBuiltFor) {
#if defined(__x86_64__)
  EXPECT_EQ(host_arch(), Arch::x86_64);
#elif defined(__aarch64__)
  EXPECT_EQ(host_arch(), Arch::arm64);
#endif
}

} // namespace
} // namespace vmtest
