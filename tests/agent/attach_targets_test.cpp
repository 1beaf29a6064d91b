// SPDX-License-Identifier: BSD-2-Clause
// Guesses against the running kernel's BTF; nothing is loaded, so no privilege is needed.
#include "test_paths.h"
#include "agent/attach_targets.h"

#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <memory>
#include <unistd.h>

namespace vmtest {
namespace {

struct Closer {
  void operator()(bpf_object* o) const { bpf_object__close(o); }
};

TEST(AttachTargetsTest, OnlyFunctionsTheKernelBtfLacksAreMissing) {
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) GTEST_SKIP() << "no kernel BTF here";
  std::unique_ptr<bpf_object, Closer> obj(
      bpf_object__open_file(VMTEST_BINARY_DIR "/tests/bpf/attach_targets_fixture.bpf.o", nullptr));
  ASSERT_NE(obj, nullptr);
  auto missing = [&](const char* name) {
    auto* p = bpf_object__find_program_by_name(obj.get(), name);
    EXPECT_NE(p, nullptr) << name;
    return p && attach_target_missing(p);
  };
  EXPECT_FALSE(missing("present"));
  EXPECT_TRUE(missing("missing"));
  EXPECT_FALSE(missing("in_module"));
  EXPECT_FALSE(missing("kprobe_missing"));
}

} // namespace
} // namespace vmtest
