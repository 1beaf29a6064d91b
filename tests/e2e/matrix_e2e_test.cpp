// SPDX-License-Identifier: BSD-2-Clause
// The default matrix on real kernels as a machine without the local images and without a
// reachable registry sees it: Debian 5.10, 6.1 and 6.12 booted in qemu, the bundled corpus
// loaded by the real agent, and the other rows skipped with their reasons. The bpf_loop
// program is the cross-kernel difference the product exists to catch: unknown helper on 5.10,
// accepted on 6.1 and 6.12. (kernel_rows_e2e_test.cpp boots all six rows.)
#include "e2e_support.h"
#include "kernel/local_source.h"

#include <nlohmann/json.hpp>

namespace vmtest::e2e {
namespace fs = std::filesystem;

class MatrixE2E : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    out_ = new fs::path(*make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-matrix-"));
    ScopedEnv no_local(kKernelDirEnv, std::nullopt);
    ScopedEnv dead_registry("VMTEST_OCI_REGISTRY", kDeadRegistry);
    run_ = new CliRun(run_vmtest(
        {"run", "--out", out_->string(), "--verdict-json", (*out_ / "verdict.json").string()},
        *out_));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*out_);
    delete out_;
    delete run_;
  }
  static fs::path* out_;
  static CliRun* run_;
};
fs::path* MatrixE2E::out_ = nullptr;
CliRun* MatrixE2E::run_ = nullptr;

TEST_F(MatrixE2E, DefaultRunBootsTheDebianKernelsAndSkipsUnavailableRows) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  // The committed baselines must come out clean on a fresh machine.
  EXPECT_EQ(run_->exit_code, 0) << run_->output;
  for (const char* k : {"5.10", "6.1", "6.12"}) {
    const KernelResult* kr = run_->results.find(k);
    ASSERT_NE(kr, nullptr) << k;
    EXPECT_EQ(kr->status, KernelStatus::Ok) << k << ": " << kr->error << "\n"
                                            << joined(kr->console_tail);
    EXPECT_TRUE(kr->accel == "tcg" || kr->accel == "kvm") << kr->accel;
    EXPECT_EQ(kr->kernel_release.substr(0, std::string(k).size()), k);
    EXPECT_EQ(kr->image_sha256.size(), 64u);
    EXPECT_EQ(kr->source.kind, "debian") << k;
    EXPECT_FALSE(kr->objects.empty());
  }
  for (const char* k : {"4.18", "5.15", "6.6"}) {
    const KernelResult* kr = run_->results.find(k);
    ASSERT_NE(kr, nullptr) << k;
    EXPECT_EQ(kr->status, KernelStatus::Skipped) << k;
    // One line per row, naming every source's reason.
    EXPECT_NE(kr->error.find("local: set VMTEST_KERNEL_DIR"), std::string::npos) << kr->error;
    EXPECT_NE(kr->error.find(std::string("oci: registry ") + kDeadRegistry + " is unreachable"),
              std::string::npos)
        << kr->error;
    EXPECT_EQ(kr->error.find('\n'), std::string::npos);
    const std::string line = std::string(k) + ": skipped: " + kr->error;
    const size_t at = run_->output.find(line);
    EXPECT_NE(at, std::string::npos) << run_->output;
    EXPECT_EQ(run_->output.find(line, at + 1), std::string::npos) << "named once\n" << run_->output;
  }
}

TEST_F(MatrixE2E, BpfLoopIsRejectedOn510AndAcceptedOn61And612) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  const KernelResult* k510 = run_->results.find("5.10");
  ASSERT_NE(k510, nullptr);
  const ProgramResult* p = find_program(*k510, "bpf_loop.bpf.o", "xdp_bpf_loop");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->verdict, Verdict::Rejected);
  EXPECT_EQ(p->err, EINVAL);
  // 5.10 predates both bpf_loop and the callback subprograms it needs; depending on how the
  // object is laid out the verifier stops at the unknown helper or at the func_info check.
  std::string tail = joined(p->log_tail);
  EXPECT_TRUE(tail.find("unknown func bpf_loop") != std::string::npos ||
              tail.find("func_info") != std::string::npos)
      << tail;
  for (const char* k : {"6.1", "6.12"}) {
    const KernelResult* kr = run_->results.find(k);
    ASSERT_NE(kr, nullptr);
    const ProgramResult* q = find_program(*kr, "bpf_loop.bpf.o", "xdp_bpf_loop");
    ASSERT_NE(q, nullptr) << k;
    EXPECT_EQ(q->verdict, Verdict::Accepted) << k << "\n" << joined(q->log_tail);
    ASSERT_TRUE(q->metrics[Metric::InsnsProcessed].has_value()) << k;
    EXPECT_GT(*q->metrics[Metric::InsnsProcessed], 0);
    EXPECT_EQ(q->test_run.status, TestRunStatus::Ok) << k;
  }
}

TEST_F(MatrixE2E, ResultsCarryToolchainHashesAndLogTails) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  EXPECT_NE(run_->results.toolchain.clang.find("clang"), std::string::npos);
  EXPECT_FALSE(run_->results.toolchain.libbpf.empty());
  const KernelResult* k = run_->results.find("6.1");
  ASSERT_NE(k, nullptr);
  size_t programs = 0;
  for (const auto& o : k->objects) {
    EXPECT_EQ(o.sha256.size(), 64u) << o.name;
    for (const auto& p : o.programs) {
      ++programs;
      EXPECT_TRUE(p.verdict == Verdict::Accepted || p.verdict == Verdict::Rejected) << p.name;
      EXPECT_FALSE(p.log_tail.empty()) << o.name << ":" << p.name;
      EXPECT_LE(p.log_tail.size(), 20u);
    }
  }
  EXPECT_GE(programs, 10u);
  EXPECT_TRUE(fs::exists(*out_ / "kernels" / "6.1" / "console.log"));
}

// A clean main gives a clean default run: no finding of any level, INFO included, on any row
// that booted. An INFO is not a failure, which is how a cache that changed every 4.18 log tail
// once stayed green; the committed baselines must match what main reports, exactly.
TEST_F(MatrixE2E, BootedRowsHaveNoFindingOfAnyLevel) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  auto text = read_file(*out_ / "verdict.json");
  ASSERT_TRUE(text.ok()) << run_->output;
  const auto verdict = nlohmann::json::parse(*text);
  size_t booted = 0;
  for (const auto& k : run_->results.kernels)
    if (k.status == KernelStatus::Ok) ++booted;
  EXPECT_GE(booted, 3u);
  for (const auto& f : verdict.at("findings")) {
    if (!f.contains("kernel")) continue;
    const KernelResult* kr = run_->results.find(f.at("kernel").get<std::string>());
    ASSERT_NE(kr, nullptr) << f.dump();
    EXPECT_NE(kr->status, KernelStatus::Ok) << "a finding on a booted row: " << f.dump();
  }
}

// The bundled objects carry their C source in BTF line info, so a rejected program's full log
// shows the line it failed on (cmake/BpfObject.cmake compiles from the source tree for that).
TEST_F(MatrixE2E, ARejectedBundledProgramsLogShowsItsSourceLine) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  for (const char* k : {"6.1", "6.12"}) {
    const KernelResult* kr = run_->results.find(k);
    ASSERT_NE(kr, nullptr) << k;
    const ProgramResult* p = nullptr;
    for (const auto& o : kr->objects)
      for (const auto& pr : o.programs)
        if (o.name == "missing_bounds_check.bpf.o" && pr.name == "xdp_missing_bounds") p = &pr;
    ASSERT_NE(p, nullptr) << k;
    EXPECT_EQ(p->verdict, Verdict::Rejected) << k;
    ASSERT_FALSE(p->full_log.file.empty()) << k << ": a rejection keeps its full log";
    auto log = read_file(*out_ / p->full_log.file);
    ASSERT_TRUE(log.ok()) << k << ": " << p->full_log.file;
    EXPECT_NE(log->find("return eth->h_proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;"),
              std::string::npos)
        << k << ": no source text in the log\n"
        << *log;
  }
}

} // namespace vmtest::e2e
