// Manual check against the real mirror: disabled by default because it needs the network and
// downloads ~27 MB. Run with
//   VMTEST_CACHE=$(mktemp -d) build/tests/vmtest_tests \
//     --gtest_also_run_disabled_tests --gtest_filter='RealFetch.*'
#include "core/fs.h"
#include "core/process.h"
#include "kernel/kernel_image.h"

#include <chrono>
#include <gtest/gtest.h>
#include <iostream>

namespace vmtest {
namespace fs = std::filesystem;

TEST(RealFetch, DISABLED_Debian61IntoCache) {
  const fs::path src = VMTEST_SOURCE_DIR;
  auto m = load_matrix(src / "kernels/matrix.yaml", src / "kernels/matrix.lock.json");
  ASSERT_TRUE(m.ok()) << m.error().str();
  const KernelRow* row = m->find("6.1");
  ASSERT_NE(row, nullptr);
  SubprocessRunner runner;
  FetchContext ctx{default_cache_dir(), &runner,
                   [](const std::string& s) { std::cout << "  [fetch] " << s << "\n"; }};
  using Clock = std::chrono::steady_clock;
  for (int pass = 0; pass < 2; ++pass) {
    auto t0 = Clock::now();
    auto img = fetch_kernel(*row, ctx);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_TRUE(img.ok()) << img.error().str();
    EXPECT_EQ(img->sha256, row->pin->vmlinuz_sha256);
    EXPECT_EQ(img->from_cache, pass == 1);
    std::cout << "pass " << pass << ": " << (img->from_cache ? "cache hit" : "downloaded") << " "
              << img->origin << " -> " << img->vmlinuz << " in " << secs << " s\n";
  }
}

} // namespace vmtest

namespace vmtest {

// Confirms every committed debian pin still resolves and its vmlinuz hash is right.
TEST(RealFetch, DISABLED_EveryDebianRow) {
  const std::filesystem::path src = VMTEST_SOURCE_DIR;
  auto m = load_matrix(src / "kernels/matrix.yaml", src / "kernels/matrix.lock.json");
  ASSERT_TRUE(m.ok()) << m.error().str();
  SubprocessRunner runner;
  FetchContext ctx{default_cache_dir(), &runner, {}};
  for (const auto& row : m->rows) {
    if (row.source_kind != "debian") continue;
    auto t0 = std::chrono::steady_clock::now();
    auto img = fetch_kernel(row, ctx);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(img.ok()) << img.error().str();
    EXPECT_EQ(img->sha256, row.pin->vmlinuz_sha256);
    std::cout << row.name << ": " << (img->from_cache ? "cache hit" : "downloaded") << " "
              << img->origin << " in " << secs << " s\n";
  }
}

} // namespace vmtest
