// SPDX-License-Identifier: BSD-2-Clause
// An outside corpus nobody here wrote: the 15 XDP objects Debian's libxdp1 ships. No sidecar,
// no testrun cases; every program must come back with a clear classification.
#include "e2e_support.h"

namespace vmtest::e2e {
namespace fs = std::filesystem;

TEST(OutsideCorpusE2E, LibxdpObjectsAreEachClassifiedOn61) {
  fs::path corpus = "/usr/lib/x86_64-linux-gnu/bpf";
  if (!fs::exists(corpus / "xdp-dispatcher.o")) GTEST_SKIP() << "libxdp1 is not installed";
  auto dir = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-libxdp-");
  auto r = run_vmtest(
      {"run", "--kernel", "6.1", "--corpus", corpus.string(), "--out", dir.string()}, dir);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->status, KernelStatus::Ok) << k->error;
  EXPECT_GE(k->objects.size(), 15u);
  size_t programs = 0, accepted = 0;
  for (const auto& o : k->objects) {
    EXPECT_TRUE(o.error.empty()) << o.name << ": " << o.error;
    for (const auto& p : o.programs) {
      ++programs;
      ASSERT_TRUE(p.verdict == Verdict::Accepted || p.verdict == Verdict::Rejected)
          << o.name << ":" << p.name;
      if (p.verdict == Verdict::Accepted) {
        ++accepted;
        EXPECT_TRUE(p.test_run.status == TestRunStatus::Ok ||
                    p.test_run.status == TestRunStatus::NotRunnable)
            << o.name << ":" << p.name << " " << p.test_run.status;
      } else {
        // A rejection always says why: the verifier's or libbpf's words.
        EXPECT_FALSE(p.log_tail.empty()) << o.name << ":" << p.name;
        EXPECT_FALSE(p.error.empty()) << o.name << ":" << p.name;
      }
    }
  }
  EXPECT_GE(programs, 17u);
  EXPECT_GE(accepted, 13u) << "the xdp-filter and dispatcher programs load on 6.1";
  fs::remove_all(dir);
}

} // namespace vmtest::e2e
