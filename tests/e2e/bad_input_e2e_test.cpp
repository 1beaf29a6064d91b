// SPDX-License-Identifier: BSD-2-Clause
// Bad input on real kernels: broken objects next to a good one, a guest that hangs, a guest
// that panics, a kernel whose download does not match its pin, and rows or names that cannot
// run. Each gets a clear error and nothing else is lost.
#include "test_paths.h"
#include "core/sha256.h"
#include "e2e_support.h"

#include <fstream>

namespace vmtest::e2e {
namespace fs = std::filesystem;

class BadInputE2E : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-bad-"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(BadInputE2E, BrokenObjectsGetTheirOwnErrorAndTheGoodOneStillRuns) {
  fs::path corpus = dir_ / "corpus";
  fs::create_directories(corpus);
  fs::path good = fs::path(VMTEST_BINARY_DIR) / "bpf/corpus/bpf_loop.bpf.o";
  fs::copy_file(good, corpus / "bpf_loop.bpf.o");
  std::ofstream(corpus / "empty.o").close();
  auto bytes = *read_file(good);
  ASSERT_TRUE(write_file_atomic(corpus / "truncated.bpf.o", bytes.substr(0, 200)).ok());
  ASSERT_TRUE(write_file_atomic(corpus / "text.o", "this is not an ELF file\n").ok());
  // A real ELF object for x86-64, not BPF.
  fs::path crt = "/usr/lib/x86_64-linux-gnu/crt1.o";
  if (fs::exists(crt)) fs::copy_file(crt, corpus / "x86.o");

  fs::path out = dir_ / "out";
  auto r = run_vmtest({"run", "--kernel", "6.1", "--corpus", corpus.string(), "--no-testrun",
                       "--out", out.string()},
                      out);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 2) << "unreadable objects must not pass silently\n" << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Ok) << k->error;
  size_t broken = 0;
  for (const auto& o : k->objects) {
    if (o.name == "bpf_loop.bpf.o") {
      EXPECT_TRUE(o.error.empty()) << o.error;
      ASSERT_FALSE(o.programs.empty());
      EXPECT_EQ(o.programs[0].verdict, Verdict::Accepted);
    } else {
      EXPECT_FALSE(o.error.empty()) << o.name << " should carry an error";
      EXPECT_TRUE(o.programs.empty());
      ++broken;
    }
  }
  // Only ELF files whose machine is BPF are objects: the text file and the x86-64 object are
  // not in the results at all; the truncated BPF object is, with its error.
  EXPECT_EQ(broken, 1u);
  for (const auto& o : k->objects)
    EXPECT_TRUE(o.name != "text.o" && o.name != "x86.o") << o.name;
}

TEST_F(BadInputE2E, HangingGuestIsKilledAtItsTimeout) {
  fs::path out = dir_ / "out";
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_vmtest({"run", "--kernel", "6.1", "--agent", VMTEST_BINARY_DIR "/tests/hang_init",
                       "--timeout", "8", "--out", out.string()},
                      out);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 2);
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Timeout) << k->error;
  EXPECT_FALSE(k->console_tail.empty());
  EXPECT_LT(took, std::chrono::seconds(60));
}

TEST_F(BadInputE2E, PanickingGuestIsReportedWithTheConsoleTail) {
  fs::path out = dir_ / "out";
  auto r = run_vmtest({"run", "--kernel", "5.10", "--agent", VMTEST_BINARY_DIR "/tests/panic_init",
                       "--out", out.string()},
                      out);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 2);
  const KernelResult* k = r.results.find("5.10");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Panic) << k->error;
  EXPECT_NE(joined(k->console_tail).find("Kernel panic"), std::string::npos)
      << joined(k->console_tail);
}

TEST_F(BadInputE2E, ChecksumMismatchFailsAndLeavesTheCacheUntouched) {
  auto lock_text = *read_file(source_dir() / "kernels/matrix.lock.json");
  auto lock = nlohmann::json::parse(lock_text);
  // Corrupt every pinned hash of the 6.1 row: the real download can no longer match.
  std::function<void(nlohmann::json&)> corrupt = [&](nlohmann::json& j) {
    if (j.is_object()) {
      for (auto& [key, val] : j.items()) {
        if (val.is_string() && key.find("sha256") != std::string::npos)
          val = std::string(64, '0');
        else
          corrupt(val);
      }
    } else if (j.is_array()) {
      for (auto& v : j)
        corrupt(v);
    }
  };
  corrupt(lock);
  fs::path bad_lock = dir_ / "bad.lock.json";
  ASSERT_TRUE(write_file_atomic(bad_lock, lock.dump(2)).ok());
  fs::path cache = dir_ / "cache";
  fs::path out = dir_ / "out";
  auto r = run_vmtest({"run", "--kernel", "6.1", "--lock", bad_lock.string(), "--cache",
                       cache.string(), "--out", out.string()},
                      out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("sha256"), std::string::npos) << r.output;
  ASSERT_TRUE(r.has_results);
  EXPECT_EQ(r.results.find("6.1")->status, KernelStatus::Error);
  size_t entries = 0;
  if (fs::exists(cache / "kernels"))
    for (const auto& e : fs::directory_iterator(cache / "kernels"))
      if (e.path().filename().string()[0] != '.') ++entries;
  EXPECT_EQ(entries, 0u) << "a failed verification must not leave a cache entry";
}

TEST_F(BadInputE2E, UnavailableRowAndUnknownNameAreUsageErrors) {
  fs::path out = dir_ / "out";
  ScopedEnv no_local("VMTEST_KERNEL_DIR", std::nullopt);
  ScopedEnv dead_registry("VMTEST_OCI_REGISTRY", kDeadRegistry);
  auto r = run_vmtest({"run", "--kernel", "4.18", "--out", out.string()}, out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("4.18: error: not available here: local: set VMTEST_KERNEL_DIR"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(std::string("registry ") + kDeadRegistry + " is unreachable"),
            std::string::npos)
      << r.output;
  auto u = run_vmtest({"run", "--kernel", "9.99", "--out", out.string()}, out);
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_NE(u.output.find("unknown kernel '9.99'"), std::string::npos) << u.output;
  EXPECT_NE(u.output.find("6.12"), std::string::npos) << "the error lists valid names";
}

} // namespace vmtest::e2e
