// SPDX-License-Identifier: BSD-2-Clause
// Issue 8 on real kernels: every guest runs Debian's bpftool, and the recorded probe shows
// bpf_loop missing on 5.10 and present on 6.1, in results.json, in `vmtest capabilities` and
// in the explanation of the bpf_loop program's rejection on 5.10.
// Issue 23 rides along: 6.1-arm64 (the same Debian 6.1 build for arm64) boots in
// qemu-system-aarch64 with the cross-built agent and Debian's arm64 bpftool, so the same run
// shows the x86 and arm64 columns of 6.1 side by side.
#include "capabilities/rejection.h"
#include "e2e_support.h"

#include <algorithm>

namespace vmtest::e2e {
namespace fs = std::filesystem;

namespace {
bool lists_helper(const KernelResult& k, const std::string& prog_type, const std::string& helper) {
  const auto& caps = k.capabilities;
  if (!caps.contains("helpers")) return false;
  auto it = caps["helpers"].find(prog_type + "_available_helpers");
  return it != caps["helpers"].end() &&
         std::find(it->begin(), it->end(), nlohmann::json(helper)) != it->end();
}
} // namespace

class CapabilitiesE2E : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    out_ = new fs::path(*make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-caps-"));
    run_ = new CliRun(
        // --refresh-capabilities: the guests must really probe, not reuse the cache.
        run_vmtest({"run", "--kernel", "5.10", "--kernel", "6.1", "--kernel", "6.1-arm64",
                    "--refresh-capabilities", "--out", out_->string()},
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
fs::path* CapabilitiesE2E::out_ = nullptr;
CliRun* CapabilitiesE2E::run_ = nullptr;

TEST_F(CapabilitiesE2E, EveryGuestRecordsItsProbe) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  for (const char* k : {"5.10", "6.1", "6.1-arm64"}) {
    const KernelResult* kr = run_->results.find(k);
    ASSERT_NE(kr, nullptr) << k;
    ASSERT_EQ(kr->status, KernelStatus::Ok) << k << ": " << kr->error << "\n"
                                            << joined(kr->console_tail);
    EXPECT_EQ(kr->capabilities_error, "") << k;
    ASSERT_TRUE(kr->capabilities.is_object()) << k;
    EXPECT_GT(kr->capabilities_seconds, 0) << k;
    EXPECT_EQ(kr->capabilities["program_types"]["have_xdp_prog_type"], true) << k;
    // The guest image put the kernel's own config at /boot/config-<release>.
    EXPECT_EQ(kr->capabilities["system_config"]["CONFIG_BPF_SYSCALL"], "y") << k;
    EXPECT_TRUE(lists_helper(*kr, "xdp", "bpf_map_lookup_elem")) << k;
  }
}

TEST_F(CapabilitiesE2E, BpfLoopIsMissingOn510AndPresentOn61) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  const KernelResult* k510 = run_->results.find("5.10");
  const KernelResult* k61 = run_->results.find("6.1");
  ASSERT_NE(k510, nullptr);
  ASSERT_NE(k61, nullptr);
  EXPECT_FALSE(lists_helper(*k510, "xdp", "bpf_loop"));
  EXPECT_TRUE(lists_helper(*k61, "xdp", "bpf_loop"));
}

TEST_F(CapabilitiesE2E, CapabilitiesCommandShowsTheDifference) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  fs::path results = *out_ / "results.json";
  CliRun csv =
      run_vmtest({"capabilities", "--results", results.string(), "--format", "csv"}, *out_);
  EXPECT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_NE(csv.output.find("category,feature,5.10,6.1,6.1-arm64\n"), std::string::npos)
      << csv.output;
  EXPECT_NE(csv.output.find("\nhelper,bpf_loop,no,yes,yes\n"), std::string::npos);
  EXPECT_NE(csv.output.find("\nprog_helper,xdp:bpf_loop,no,yes,yes\n"), std::string::npos);
  // Present on both kernels: folded away.
  EXPECT_EQ(csv.output.find("\nhelper,bpf_map_lookup_elem,"), std::string::npos);

  CliRun text = run_vmtest({"capabilities", "--results", results.string()}, *out_);
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("folded away"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("bpf_loop"), std::string::npos) << text.output;
}

// The arm64 row really ran arm64: the kernel Debian built for arm64, in qemu-system-aarch64,
// and the agent that reported was the aarch64 build (a static x86-64 agent cannot execute in
// an arm64 guest, so uname -m from the agent names the build that ran).
TEST_F(CapabilitiesE2E, TheArm64RowRanTheAarch64Agent) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  const KernelResult* arm = run_->results.find("6.1-arm64");
  const KernelResult* x86 = run_->results.find("6.1");
  ASSERT_NE(arm, nullptr);
  ASSERT_NE(x86, nullptr);
  ASSERT_EQ(arm->status, KernelStatus::Ok) << arm->error << "\n" << joined(arm->console_tail);
  EXPECT_EQ(arm->arch, "arm64");
  EXPECT_EQ(arm->machine, "aarch64");
  EXPECT_EQ(arm->kernel_release, "6.1.0-56-cloud-arm64");
  EXPECT_EQ(arm->accel, "tcg") << "KVM cannot run an arm64 guest on an x86 host";
  EXPECT_EQ(x86->arch, "x86_64");
  EXPECT_EQ(x86->machine, "x86_64");
  // Same corpus, both architectures: everything verified on arm64 too.
  size_t programs = 0;
  for (const auto& o : arm->objects)
    programs += o.programs.size();
  EXPECT_GE(programs, 20u);
  // The probe ran Debian's arm64 bpftool: it found the kernel's own config in the image.
  EXPECT_EQ(arm->capabilities["system_config"]["CONFIG_BPF_JIT"], "y");
}

// The one verdict of the bundled corpus that differs between 6.1 and its arm64 build: the
// kprobe, whose x86 register reads cannot be relocated on arm64. The gate expects it (policy),
// and the report flags it as differing by architecture.
TEST_F(CapabilitiesE2E, AVerdictThatDiffersOnlyByArchStandsOutInTheReports) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  auto verdict_of = [&](const char* kernel) -> std::string {
    const KernelResult* k = run_->results.find(kernel);
    if (!k) return "";
    for (const auto& o : k->objects)
      for (const auto& p : o.programs)
        if (p.name == "kprobe_unlinkat") return to_string(p.verdict);
    return "";
  };
  EXPECT_EQ(verdict_of("6.1"), "accepted");
  EXPECT_EQ(verdict_of("6.1-arm64"), "rejected");
  auto html = read_file(*out_ / "report.html");
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("Differs by architecture: 6.1 accepted, 6.1-arm64 rejected"),
            std::string::npos);
  EXPECT_NE(html->find("class=\"arch-group\">arm64</th>"), std::string::npos);
}

TEST_F(CapabilitiesE2E, TheBpfLoopRejectionOn510IsExplainedByTheProbe) {
  ASSERT_TRUE(run_->has_results) << run_->output;
  const KernelResult* k510 = run_->results.find("5.10");
  ASSERT_NE(k510, nullptr);
  auto causes = explain_rejections(*k510);
  auto it = std::find_if(causes.begin(), causes.end(),
                         [](const RejectionCause& c) { return c.program == "xdp_bpf_loop"; });
  ASSERT_NE(it, causes.end());
  EXPECT_EQ(it->availability, Availability::Absent);
  // 5.10's log blames the callback's BTF, not bpf_loop: the link comes from the calls.
  EXPECT_EQ(it->evidence, "calls");
  EXPECT_EQ(it->message, "bpf_loop is absent on 5.10");
}

// Part of the same suite so the one ctest entry (e2e.capabilities) runs it too.
TEST_F(CapabilitiesE2E, NoCapabilitiesSkipsTheProbeOnTheHost) {
  if (geteuid() != 0) GTEST_SKIP() << "host mode needs root";
  fs::path out = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-nocaps-");
  CliRun r =
      run_vmtest({"run", "--kernel", "host", "--no-capabilities", "--out", out.string()}, out);
  ASSERT_TRUE(r.has_results) << r.output;
  const KernelResult* host = r.results.find("host");
  ASSERT_NE(host, nullptr);
  EXPECT_TRUE(host->capabilities.is_null());
  CliRun caps = run_vmtest({"capabilities", "--results", (out / "results.json").string()}, out);
  EXPECT_EQ(caps.exit_code, 2) << caps.output;
  EXPECT_NE(caps.output.find("no kernel in the results has recorded capabilities"),
            std::string::npos)
      << caps.output;
  fs::remove_all(out);
}

} // namespace vmtest::e2e
