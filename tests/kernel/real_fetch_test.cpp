// SPDX-License-Identifier: BSD-2-Clause
// Manual check against the real mirror: disabled by default because it needs the network and
// downloads ~27 MB. Run with
//   VMTEST_CACHE=$(mktemp -d) build/tests/vmtest_tests \
//     --gtest_also_run_disabled_tests --gtest_filter='RealFetch.*'
#include "test_paths.h"
#include "core/fs.h"
#include "core/process.h"
#include "kernel/debian_source.h"
#include "kernel/kernel_image.h"

#include <chrono>
#include <gtest/gtest.h>
#include <iostream>

namespace vmtest {
namespace fs = std::filesystem;

// Confirms every committed debian pin still resolves, its vmlinuz hash is right, and the
// second fetch is a cache hit.
TEST(RealFetch, DISABLED_EveryDebianRow) {
  const std::filesystem::path src = VMTEST_SOURCE_DIR;
  auto m = load_matrix(src / "kernels/matrix.yaml", src / "kernels/matrix.lock.json");
  ASSERT_TRUE(m.ok()) << m.error().str();
  SubprocessRunner runner;
  FetchContext ctx;
  ctx.cache_dir = default_cache_dir();
  ctx.runner = &runner;
  ctx.log = [](const std::string& s) { std::cout << "  [fetch] " << s << "\n"; };
  for (const auto& row : m->rows) {
    const auto* deb = dynamic_cast<const DebianSource*>(row.source_of("debian"));
    if (!deb) continue;
    for (int pass = 0; pass < 2; ++pass) {
      auto t0 = std::chrono::steady_clock::now();
      auto img = deb->fetch(ctx);
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      ASSERT_TRUE(img.ok()) << img.error().str();
      EXPECT_EQ(img->sha256, deb->pin()->vmlinuz_sha256);
      if (pass == 1) EXPECT_TRUE(img->from_cache);
      std::cout << row.name << ": " << (img->from_cache ? "cache hit" : "downloaded") << " "
                << img->origin << " in " << secs << " s\n";
    }
  }
}

} // namespace vmtest
