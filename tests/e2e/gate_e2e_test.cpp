// The gate on real kernels: a baseline copy with verdicts flipped in both directions must
// fail the run with exit 1 and name each change; a corrupt baseline is exit 2.
#include "e2e_support.h"

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

} // namespace vmtest::e2e
