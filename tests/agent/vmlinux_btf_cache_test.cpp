// The kernel-BTF cache and its name index, linked with the same --wrap flags as vmtest-guest:
// every answer must be the one libbpf's own linear scan gives (reached here as __real_).
#include <bpf/btf.h>
#include <cerrno>
#include <gtest/gtest.h>
#include <map>
#include <string>
#include <utility>

extern "C" __s32 __real_btf__find_by_name_kind(const btf* b, const char* name, __u32 kind);

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
    EXPECT_EQ(btf__find_by_name_kind(v, name, btf_kind(t)), want) << name << " kind " << btf_kind(t);
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
