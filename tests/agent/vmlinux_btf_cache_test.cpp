// SPDX-License-Identifier: BSD-2-Clause
// The kernel-BTF cache and its name index, linked with the same --wrap flags as vmtest-guest:
// every answer must be the one libbpf's own linear scan gives (reached here as __real_).
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <gtest/gtest.h>
#include <map>
#include <sched.h>
#include <string>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern "C" __s32 __real_btf__find_by_name_kind(const btf* b, const char* name, __u32 kind);
extern "C" void vmtest_btf_cache_seconds(double* parse, double* index);

namespace {

btf* kernel_btf() {
  btf* v = btf__load_vmlinux_btf();
  return v;
}

TEST(VmlinuxBtfCache, OneParseSharedByEveryCaller) {
  btf* a = kernel_btf();
  if (!a) GTEST_SKIP() << "this kernel has no BTF";
  btf__free(a); // libbpf frees after each load; the cache must survive it
  EXPECT_EQ(kernel_btf(), a);
}

TEST(VmlinuxBtfCache, EveryLookupAnswersAsTheScanDoes) {
  btf* v = kernel_btf();
  if (!v) GTEST_SKIP() << "this kernel has no BTF";
  const __u32 n = btf__type_cnt(v);
  ASSERT_GT(n, 1000u);
  // Names that repeat within a kind (anonymous types aside) must give the lowest id.
  std::map<std::pair<__u32, std::string>, int> seen;
  size_t checked = 0, repeated = 0;
  for (__u32 id = 1; id < n; id += 61) {
    const btf_type* t = btf__type_by_id(v, id);
    const char* name = btf__name_by_offset(v, t->name_off);
    ASSERT_NE(name, nullptr);
    const __s32 want = __real_btf__find_by_name_kind(v, name, btf_kind(t));
    EXPECT_EQ(btf__find_by_name_kind(v, name, btf_kind(t)), want)
        << name << " kind " << btf_kind(t);
    if (++seen[{btf_kind(t), name}] == 2) ++repeated;
    ++checked;
  }
  EXPECT_GT(checked, 1000u);
  EXPECT_GT(repeated, 0u) << "no repeated name was checked";
  // The same name under the wrong kind, names that are not there, and the special cases.
  EXPECT_EQ(btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT),
            __real_btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT));
  EXPECT_GT(btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT), 0);
  errno = 0;
  EXPECT_EQ(btf__find_by_name_kind(v, "task_struct", BTF_KIND_FUNC), -ENOENT);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(btf__find_by_name_kind(v, "no_such_type_anywhere_xyz", BTF_KIND_STRUCT), -ENOENT);
  EXPECT_EQ(btf__find_by_name_kind(v, "void", BTF_KIND_STRUCT), 0);
  EXPECT_EQ(btf__find_by_name_kind(v, "task_struct", BTF_KIND_UNKN), 0);
}

// A small corpus asks a handful of names: scans cost less than the index they would build.
// Each test runs in a process of its own, so this one sees the cache fresh.
TEST(VmlinuxBtfCache, AFewLookupsScanAndOnlyMoreBuildTheIndex) {
  btf* v = kernel_btf();
  if (!v) GTEST_SKIP() << "this kernel has no BTF";
  auto index_seconds = [] {
    double parse = 0, index = 0;
    vmtest_btf_cache_seconds(&parse, &index);
    return index;
  };
  for (int i = 0; i < 12; ++i)
    EXPECT_GT(btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT), 0);
  EXPECT_EQ(btf__find_by_name_kind(v, "", BTF_KIND_PTR),
            __real_btf__find_by_name_kind(v, "", BTF_KIND_PTR)); // an empty name always scans
  EXPECT_EQ(index_seconds(), 0.0) << "12 lookups built the index";
  EXPECT_EQ(btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT),
            __real_btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT));
  EXPECT_GT(index_seconds(), 0.0) << "the 13th lookup did not build the index";
}

// What libbpf printed at warning level or above since the last take.
std::string g_printed;
int keep_warnings(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char line[1024];
  vsnprintf(line, sizeof line, fmt, args);
  g_printed += line;
  return 0;
}
std::string take_printed() {
  std::string out;
  out.swap(g_printed);
  return out;
}

// On a kernel without BTF (RHEL 8.1), the real parse explains why; a cached failure must say the
// same, or the log of every object after the first loses libbpf's explanation. The scenario runs
// in a fresh process (this binary again, so no earlier test has filled the cache) whose mount
// namespace hides the kernel's BTF under an empty tmpfs: the real libbpf fails for real.
TEST(VmlinuxBtfCacheHidden, ACachedFailurePrintsWhatTheRealParsePrinted) {
  if (!getenv("VMTEST_TEST_BTF_HIDDEN")) GTEST_SKIP() << "run by ACachedFailureSaysWhy only";
  libbpf_set_print(keep_warnings);
  errno = 0;
  ASSERT_EQ(btf__load_vmlinux_btf(), nullptr) << "the kernel BTF is not hidden";
  const int first_errno = errno;
  const std::string first = take_printed();
  EXPECT_NE(first.find("kernel BTF is missing"), std::string::npos) << first;
  for (int i = 0; i < 2; ++i) {
    errno = 0;
    EXPECT_EQ(btf__load_vmlinux_btf(), nullptr);
    EXPECT_EQ(errno, first_errno);
    EXPECT_EQ(take_printed(), first) << "cached call " << i;
  }
}

TEST(VmlinuxBtfCache, ACachedFailureSaysWhy) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for a mount namespace";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) != 0 ||
        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        mount("none", "/sys/kernel/btf", "tmpfs", 0, nullptr) != 0)
      _exit(77);
    setenv("VMTEST_TEST_BTF_HIDDEN", "1", 1);
    char filter[] = "--gtest_filter=VmlinuxBtfCacheHidden.*";
    char* argv[] = {const_cast<char*>("vmtest_btf_cache_tests"), filter, nullptr};
    execv("/proc/self/exe", argv);
    _exit(78);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "no mount namespace here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the hidden-BTF run failed (its output is above)";
}

// A cached success prints nothing at warning level: the real one does not either.
TEST(VmlinuxBtfCache, ACachedSuccessPrintsNoWarning) {
  if (!kernel_btf()) GTEST_SKIP() << "this kernel has no BTF";
  libbpf_print_fn_t old = libbpf_set_print(keep_warnings);
  take_printed();
  EXPECT_NE(kernel_btf(), nullptr);
  EXPECT_EQ(take_printed(), "");
  libbpf_set_print(old);
}

TEST(VmlinuxBtfCache, OtherBtfsGetTheRealScan) {
  btf* own = btf__new_empty();
  ASSERT_NE(own, nullptr);
  const int id = btf__add_int(own, "my_int", 4, BTF_INT_SIGNED);
  ASSERT_GT(id, 0);
  EXPECT_EQ(btf__find_by_name_kind(own, "my_int", BTF_KIND_INT), id);
  EXPECT_EQ(btf__find_by_name_kind(own, "task_struct", BTF_KIND_STRUCT), -ENOENT);
  btf__free(own);
}

} // namespace
