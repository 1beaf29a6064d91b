// SPDX-License-Identifier: BSD-2-Clause
// The user's five kernels (and our 6.12), booted for real: every row of the matrix with the
// local images of the rows no package mirror serves (4.18 = RHEL 8.10's 4.18.0-553,
// 4.18-rhel8.1 = RHEL 8.1's 4.18.0-147.el8, 5.15, 6.6), gated against the committed
// baselines. Checks what each row booted from, facts only RHEL 8's verifiers have, and
// cross-kernel differences read from the committed baselines themselves.
#include "baseline/baseline_file.h"
#include "e2e_support.h"
#include "kernel/local_source.h"
#include "kernel/lock_file.h"

namespace vmtest::e2e {
namespace fs = std::filesystem;

namespace {

// VMTEST_KERNEL_DIR, or the shared images next to the checkout (as .ci/run sets it).
fs::path kernel_dir() {
  if (const char* d = std::getenv(kKernelDirEnv); d && *d) return d;
  const fs::path shared = source_dir().parent_path() / "shared" / "kernels";
  return fs::exists(shared / "4.18-el8.10" / "bzImage") ? shared : fs::path();
}

Baseline committed_baseline(const std::string& kernel) {
  auto b = load_baseline(baseline_path(source_dir() / "bpf/baselines", kernel));
  EXPECT_TRUE(b.ok()) << b.error().str();
  return b.ok() ? *b : Baseline{};
}

const BaselineProgram* in_baseline(const Baseline& b, const std::string& object,
                                   const std::string& program) {
  auto o = b.objects.find(object);
  if (o == b.objects.end()) return nullptr;
  auto p = o->second.programs.find(program);
  return p == o->second.programs.end() ? nullptr : &p->second;
}

} // namespace

class KernelRowsE2E : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(kernel_dir());
    if (dir_->empty()) return;
    out_ = new fs::path(*make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-rows-"));
    // Not even a reachable registry may change which build a row boots.
    ScopedEnv dead_registry("VMTEST_OCI_REGISTRY", kDeadRegistry);
    // Every row by name: RHEL 8.1 is not a default row (README: which kernels run by default),
    // but CI boots and gates it all the same.
    std::vector<std::string> args = {"run", "--kernel-dir", dir_->string(), "--out", out_->string()};
    for (const auto& k : kRows) {
      args.push_back("--kernel");
      args.push_back(k);
    }
    run_ = new CliRun(run_vmtest(args, *out_));
  }
  static void TearDownTestSuite() {
    if (out_) fs::remove_all(*out_);
    delete out_;
    delete run_;
    delete dir_;
  }
  void SetUp() override {
    if (dir_->empty())
      GTEST_SKIP() << "no local kernel images: set VMTEST_KERNEL_DIR (CI runs this suite)";
    ASSERT_TRUE(run_->has_results) << run_->output;
  }
  static const KernelResult& row(const char* name) {
    const KernelResult* k = run_->results.find(name);
    if (!k) throw std::runtime_error(std::string("no results for ") + name);
    return *k;
  }
  static inline const std::vector<std::string> kRows = {"4.18", "4.18-rhel8.1", "5.10", "5.15",
                                                        "6.1",  "6.6",          "6.12"};
  static fs::path* dir_;
  static fs::path* out_;
  static CliRun* run_;
};
fs::path* KernelRowsE2E::dir_ = nullptr;
fs::path* KernelRowsE2E::out_ = nullptr;
CliRun* KernelRowsE2E::run_ = nullptr;

TEST_F(KernelRowsE2E, EveryRowBootsAndGatesClean) {
  EXPECT_EQ(run_->exit_code, 0) << run_->output;
  std::vector<std::string> names;
  for (const auto& k : run_->results.kernels)
    names.push_back(k.name);
  EXPECT_EQ(names, kRows);
  for (const auto& k : run_->results.kernels) {
    EXPECT_EQ(k.status, KernelStatus::Ok) << k.name << ": " << k.error << "\n"
                                          << joined(k.console_tail);
    EXPECT_FALSE(k.objects.empty()) << k.name;
  }
}

TEST_F(KernelRowsE2E, ResultsNameTheSourceAndTheImageThatBooted) {
  auto lock = load_lock(source_dir() / "kernels/matrix.lock.json");
  ASSERT_TRUE(lock.ok()) << lock.error().str();
  struct Local {
    const char* row;
    const char* subdir;
    const char* release;
  };
  for (const Local& l : {Local{"4.18", "4.18-el8.10", "4.18.0"}, Local{"4.18-rhel8.1", "4.18", "4.18.0"},
                         Local{"5.15", "5.15", "5.15.148"}, Local{"6.6", "6.6", "6.6.57"}}) {
    const KernelResult& k = row(l.row);
    EXPECT_EQ(k.source.kind, "local") << l.row;
    EXPECT_EQ(k.source.description, std::string("$VMTEST_KERNEL_DIR/") + l.subdir) << l.row;
    EXPECT_EQ(k.image_sha256, lock->find(l.row, "local")["vmlinuz_sha256"]) << l.row;
    EXPECT_EQ(k.kernel_release.substr(0, std::string(l.release).size()), l.release) << l.row;
  }
  for (const char* name : {"5.10", "6.1", "6.12"}) {
    EXPECT_EQ(row(name).source.kind, "debian") << name;
    EXPECT_EQ(row(name).image_sha256, lock->find(name, "debian")["vmlinuz_sha256"]) << name;
  }
}

// Every program on every row: a true verdict, the counts the kernel prints, a log tail.
TEST_F(KernelRowsE2E, EveryProgramHasAVerdictCountsAndALogTail) {
  for (const auto& k : run_->results.kernels) {
    size_t programs = 0;
    for (const auto& o : k.objects) {
      EXPECT_EQ(o.error, "") << k.name << ": " << o.name;
      for (const auto& p : o.programs) {
        ++programs;
        const std::string at = k.name + ": " + o.name + ":" + p.name;
        EXPECT_FALSE(p.log_tail.empty()) << at;
        if (p.verdict == Verdict::Accepted) {
          EXPECT_TRUE(p.metrics[Metric::InsnsProcessed].has_value()) << at << "\n"
                                                                     << joined(p.log_tail);
          EXPECT_TRUE(p.metrics[Metric::InsnLimit].has_value() || k.features.log_stats) << at;
        } else {
          EXPECT_NE(p.err, 0) << at;
        }
      }
    }
    EXPECT_EQ(programs, 28u) << k.name; // 26 programs, one of them as two presets
  }
}

// What only RHEL 8.1's 4.18 does, as the agent must see it.
TEST_F(KernelRowsE2E, Rhel81FactsAreProbedNotAssumed) {
  const KernelResult& k = row("4.18-rhel8.1");
  // It accepts log level 4 but logs the whole trace: not BPF_LOG_STATS.
  EXPECT_FALSE(k.features.log_stats);
  EXPECT_FALSE(k.features.btf) << "RHEL 8.1 has no kernel BTF";
  size_t accepted = 0;
  for (const auto& o : k.objects)
    for (const auto& p : o.programs) {
      if (p.verdict != Verdict::Accepted) continue;
      ++accepted;
      // The pre-5.2 summary line: the limit is read from it, the stack depth comes with it.
      EXPECT_EQ(p.metrics[Metric::InsnLimit], 131072) << p.name;
      EXPECT_FALSE(p.stack_depth.empty()) << p.name;
    }
  EXPECT_GT(accepted, 0u);
  const ProgramResult* loop = find_program(k, "bounded_loop.bpf.o", "cgskb_bounded_loop");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->verdict, Verdict::Rejected);
  EXPECT_NE(joined(loop->log_tail).find("back-edge"), std::string::npos) << joined(loop->log_tail);
  // The capability probe ran on it too, or says why it could not.
  EXPECT_TRUE(k.capabilities.is_object() || !k.capabilities_error.empty());
}

// RHEL 8.10, the row `4.18` now is: the same 4.18 version number, but kernel BTF and years of
// backports. Each fact is probed by the agent, never inferred from the version.
TEST_F(KernelRowsE2E, Rhel810HasBtfAndCoreWorks) {
  const KernelResult& k = row("4.18");
  EXPECT_EQ(k.kernel_release.substr(0, 6), "4.18.0");
  EXPECT_TRUE(k.features.btf) << "RHEL 8.10 ships kernel BTF";
  // CO-RE: the kprobe reads its arguments through BTF relocations; fentry needs BTF too.
  for (auto [object, program] : {std::pair{"kprobe.bpf.o", "kprobe_unlinkat"},
                                 {"fentry.bpf.o", "fentry_unlinkat"},
                                 {"ringbuf.bpf.o", "xdp_ringbuf_reserve"},
                                 {"bounded_loop.bpf.o", "cgskb_bounded_loop"}}) {
    const ProgramResult* p = find_program(k, object, program);
    ASSERT_NE(p, nullptr) << program;
    EXPECT_EQ(p->verdict, Verdict::Accepted) << program << "\n" << joined(p->log_tail);
  }
  // Not backported to RHEL 8: bpf_loop arrived in 5.17.
  const ProgramResult* loop = find_program(k, "bpf_loop.bpf.o", "xdp_bpf_loop");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->verdict, Verdict::Rejected);
}

// Differences between kernels, taken from the committed baselines and confirmed by the run.
TEST_F(KernelRowsE2E, CrossKernelDifferencesInTheBaselinesHoldOnRealKernels) {
  const Baseline b418 = committed_baseline("4.18"), b81 = committed_baseline("4.18-rhel8.1"),
                 b515 = committed_baseline("5.15"), b61 = committed_baseline("6.1"),
                 b66 = committed_baseline("6.6");
  // Open-coded iterators: 6.6 accepts xdp_iter_num, 6.1 rejects it.
  const auto* iter61 = in_baseline(b61, "iter_num.bpf.o", "xdp_iter_num");
  const auto* iter66 = in_baseline(b66, "iter_num.bpf.o", "xdp_iter_num");
  ASSERT_TRUE(iter61 && iter66);
  EXPECT_EQ(iter61->verdict, Verdict::Rejected);
  EXPECT_EQ(iter66->verdict, Verdict::Accepted);
  EXPECT_EQ(find_program(row("6.6"), "iter_num.bpf.o", "xdp_iter_num")->verdict, Verdict::Accepted);
  EXPECT_EQ(find_program(row("6.1"), "iter_num.bpf.o", "xdp_iter_num")->verdict, Verdict::Rejected);

  // Every program a newer kernel accepts and RHEL 8.1 rejects, per the baselines: each one is a
  // feature RHEL 8.1 lacks, and the run must show the same split. Against 5.15 and against
  // RHEL 8.10, whose backports close most of that gap on the same 4.18 version number.
  for (auto [newer, b] : {std::pair{"5.15", &b515}, {"4.18", &b418}}) {
    size_t differences = 0;
    for (const auto& [oname, o] : b->objects)
      for (const auto& [pname, p] : o.programs) {
        const auto* old = in_baseline(b81, oname, pname);
        ASSERT_NE(old, nullptr) << oname << ":" << pname;
        if (p.verdict != Verdict::Accepted || old->verdict != Verdict::Rejected) continue;
        ++differences;
        EXPECT_EQ(find_program(row(newer), oname, pname)->verdict, Verdict::Accepted) << pname;
        EXPECT_EQ(find_program(row("4.18-rhel8.1"), oname, pname)->verdict, Verdict::Rejected)
            << pname;
      }
    EXPECT_GE(differences, 5u) << newer << ": RHEL 8.1 lacks bounded loops, ring buffers, BTF...";
  }
}

} // namespace vmtest::e2e
