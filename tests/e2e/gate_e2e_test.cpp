// SPDX-License-Identifier: BSD-2-Clause
// The gate on real kernels: a baseline copy with verdicts flipped in both directions must
// fail the run with exit 1 and name each change; a corrupt baseline is exit 2.
#include "e2e_support.h"
#include "results/headroom.h"

#include <map>

namespace vmtest::e2e {
namespace fs = std::filesystem;

class GateE2E : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-gate-");
    fs::create_directories(dir_ / "baselines");
  }
  void TearDown() override { fs::remove_all(dir_); }
  nlohmann::json committed(const std::string& kernel) {
    return nlohmann::json::parse(*read_file(source_dir() / "bpf/baselines" / (kernel + ".json")));
  }
  void write_baseline(const std::string& kernel, const nlohmann::json& j) {
    ASSERT_TRUE(write_file_atomic(dir_ / "baselines" / (kernel + ".json"), j.dump(2)).ok());
  }
  fs::path dir_;
};

TEST_F(GateE2E, FlippedVerdictsFailInBothDirections) {
  auto b = committed("5.10");
  auto& progs = b["objects"];
  // Really rejected on 5.10 (bpf_loop is unknown there): pretend the baseline accepted it.
  ASSERT_EQ(progs["bpf_loop.bpf.o"]["programs"]["xdp_bpf_loop"]["verdict"], "rejected");
  progs["bpf_loop.bpf.o"]["programs"]["xdp_bpf_loop"]["verdict"] = "accepted";
  progs["bpf_loop.bpf.o"]["programs"]["xdp_bpf_loop"]["errno"] = 0;
  // Really accepted: pretend the baseline rejected it.
  ASSERT_EQ(progs["parser.bpf.o"]["programs"]["xdp_parser"]["verdict"], "accepted");
  progs["parser.bpf.o"]["programs"]["xdp_parser"]["verdict"] = "rejected";
  write_baseline("5.10", b);

  // No policy: bpf/policy.yaml marks bpf_loop as expected to fail on 5.10, which would
  // (rightly) turn the injected regression into an expected failure.
  ASSERT_TRUE(write_file_atomic(dir_ / "no-policy.yaml", "rules: []\n").ok());
  fs::path out = dir_ / "out";
  auto r = run_vmtest({"run", "--kernel", "5.10", "--baselines", (dir_ / "baselines").string(),
                       "--policy", (dir_ / "no-policy.yaml").string(), "--out", out.string()},
                      out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("accepted -> rejected"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("regression"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rejected -> accepted"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("xdp_parser"), std::string::npos);
  EXPECT_NE(r.output.find("xdp_bpf_loop"), std::string::npos);
}

TEST_F(GateE2E, PolicyTurnsAKnownRejectionIntoAnExpectedFailureWithItsReason) {
  auto b = committed("5.10");
  // The baseline claims bpf_loop loaded on 5.10; the bundled policy says it cannot.
  b["objects"]["bpf_loop.bpf.o"]["programs"]["xdp_bpf_loop"]["verdict"] = "accepted";
  b["objects"]["bpf_loop.bpf.o"]["programs"]["xdp_bpf_loop"]["errno"] = 0;
  write_baseline("5.10", b);
  fs::path out = dir_ / "out";
  // -v: a clean run's short summary leaves expected failures out; the full table has them.
  auto r = run_vmtest({"run", "-v", "--kernel", "5.10", "--baselines",
                       (dir_ / "baselines").string(), "--out", out.string()},
                      out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("expected-fail"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bpf_loop arrived in 5.17"), std::string::npos) << r.output;
}

TEST_F(GateE2E, CorruptBaselineIsAnInfrastructureError) {
  ASSERT_TRUE(write_file_atomic(dir_ / "baselines" / "6.1.json", "{\"format_version\": 1, ").ok());
  fs::path out = dir_ / "out";
  auto r = run_vmtest({"run", "--kernel", "6.1", "--baselines", (dir_ / "baselines").string(),
                       "--out", out.string()},
                      out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("6.1.json"), std::string::npos) << r.output;
  EXPECT_TRUE(r.has_results) << "the run's results are still written";
}

TEST_F(GateE2E, BaselineUpdateFromResultsRefusesFailedKernelsAndKeepsOldFiles) {
  // Results where 6.1 timed out: the update must refuse 6.1 and leave its baseline alone.
  RunResults res;
  KernelResult k;
  k.name = "6.1";
  k.status = KernelStatus::Timeout;
  k.error = "killed after 180 s";
  res.kernels.push_back(k);
  ASSERT_TRUE(write_file_atomic(dir_ / "results.json", nlohmann::json(res).dump()).ok());
  auto before = committed("6.1");
  write_baseline("6.1", before);
  fs::path out = dir_ / "out";
  auto r = run_vmtest({"baseline", "update", "--from", (dir_ / "results.json").string(),
                       "--baselines", (dir_ / "baselines").string()},
                      out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("refusing"), std::string::npos) << r.output;
  EXPECT_EQ(nlohmann::json::parse(*read_file(dir_ / "baselines" / "6.1.json")), before);
}

// One 5.10 boot for issue 16's headroom and presets. Headroom: every accepted program has its
// insns fraction against the limit the kernel printed; a policy threshold set below
// xdp_unroll64's use fails `run`, `gate` and `report` alike, each naming the program, the kernel
// and the fraction. Presets: rodata_flag.bpf.o is verified once per preset, and 5.10 treats
// them differently (the "coarse" branch calls bpf_ktime_get_coarse_ns, 5.11).
TEST_F(GateE2E, HeadroomThresholdFailsRunGateAndReportAlikeAndPresetsAreVariants) {
  const std::string tight = (dir_ / "tight-policy.yaml").string();
  ASSERT_TRUE(write_file_atomic(tight, *read_file(source_dir() / "bpf/policy.yaml") +
                                           "headroom:\n  insns: {warn: 0.05, fail: 0.1}\n")
                  .ok());
  const fs::path out = dir_ / "out";
  auto r = run_vmtest({"run", "--kernel", "5.10", "--policy", tight, "--out", out.string()}, out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  ASSERT_TRUE(r.has_results) << r.output;
  // The kernel and the program, then the fraction and the threshold it reached.
  const std::string named = "FAIL  5.10 unroll64.bpf.o/xdp_unroll64: insns ";
  const std::string fraction = "of 1000000 (0.2%) reaches the fail threshold 0.1%";
  EXPECT_NE(r.output.find(named), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(fraction), std::string::npos) << r.output;

  const KernelResult* k = r.results.find("5.10");
  ASSERT_NE(k, nullptr);
  std::map<std::string, const ProgramResult*> progs;
  for (const auto& o : k->objects)
    for (const auto& p : o.programs)
      progs[o.name + "/" + p.name] = &p;
  size_t accepted = 0;
  for (const auto& [name, p] : progs) {
    if (p->verdict != Verdict::Accepted) continue;
    ++accepted;
    auto fractions = headroom_of(*p);
    ASSERT_FALSE(fractions.empty()) << name;
    EXPECT_EQ(fractions[0].id, Fraction::Insns) << name;
    EXPECT_EQ(fractions[0].limit, 1000000) << name << ": the limit 5.10 printed";
    EXPECT_TRUE(p->metrics[Metric::MapsUsed]) << name;
  }
  EXPECT_GT(accepted, 10u);

  ASSERT_TRUE(progs.count("rodata_flag.bpf.o/xdp_clock_stamp@fine")) << r.output;
  ASSERT_TRUE(progs.count("rodata_flag.bpf.o/xdp_clock_stamp@coarse")) << r.output;
  EXPECT_FALSE(progs.count("rodata_flag.bpf.o/xdp_clock_stamp")) << "presets replace the default";
  EXPECT_EQ(progs["rodata_flag.bpf.o/xdp_clock_stamp@fine"]->verdict, Verdict::Accepted);
  EXPECT_EQ(progs["rodata_flag.bpf.o/xdp_clock_stamp@fine"]->test_run.status, TestRunStatus::Ok);
  const ProgramResult* coarse = progs["rodata_flag.bpf.o/xdp_clock_stamp@coarse"];
  EXPECT_EQ(coarse->verdict, Verdict::Rejected);
  std::string tail;
  for (const auto& l : coarse->log_tail)
    tail += l + "\n";
  EXPECT_NE(tail.find("invalid func"), std::string::npos) << tail;

  const std::string results = (out / "results.json").string();
  auto g = run_vmtest({"gate", results, "--policy", tight}, dir_ / "unused");
  EXPECT_EQ(g.exit_code, 1) << g.output;
  EXPECT_NE(g.output.find(named), std::string::npos) << g.output;
  EXPECT_NE(g.output.find(fraction), std::string::npos) << g.output;
  const fs::path html = dir_ / "r.html";
  auto rep =
      run_vmtest({"report", results, "--policy", tight, "--html", html.string()}, dir_ / "unused");
  EXPECT_EQ(rep.exit_code, 1) << rep.output;
  const std::string page = *read_file(html);
  // The matrix cell (program x kernel) shows the status and the finding with its fraction.
  EXPECT_NE(page.find("st-near-limit"), std::string::npos);
  EXPECT_NE(page.find(fraction), std::string::npos);
  EXPECT_NE(page.find("Closest to the limit"), std::string::npos);
}

} // namespace vmtest::e2e
