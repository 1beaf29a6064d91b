// SPDX-License-Identifier: BSD-2-Clause
// Controller orchestration with faked stages: selection, skips, failure isolation and exit
// codes, without booting anything.
#include "core/cancel.h"
#include "core/fs.h"
#include "gate/gate.h"
#include "results/guest_protocol.h"
#include "run/boot_order.h"
#include "run/controller.h"

#include <gtest/gtest.h>
#include <map>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

const char* kMatrix = R"(
defaults: ["4.18", "5.10", "6.1"]
kernels:
  - name: "4.18"
    description: rhel
    source:
      oci: {repository: lvh-images/kernel-images, tag: rhel8.10-main}
  - name: "5.10"
    description: bullseye
    source:
      debian: {package: linux-image-a, suites: [bullseye]}
  - name: "6.1"
    description: bookworm
    source:
      debian: {package: linux-image-b, suites: [bookworm]}
  - name: "6.1-arm64"
    description: bookworm arm64
    arch: arm64
    source:
      path: {vmlinuz: /fake/arm64-Image}
)";

class QuietProgress : public Progress {
public:
  void set_kernels(const std::vector<std::string>& n) override { kernels = n; }
  void kernel(const std::string& name, const std::string& state) override {
    lines.push_back(name + ": " + state);
  }
  void note(const std::string& line) override { lines.push_back(line); }
  void finish() override {}
  std::vector<std::string> kernels, lines;
};

// What the run means is the gate's to say; these tests check the controller records what the
// gate needs to say it.
int gate_exit(const RunResults& r) {
  GateInputs in;
  in.compare = false;
  return evaluate_gate(r, in).exit_code;
}

std::string report_json(Verdict verdict, bool expectation_failed = false) {
  AgentReport r;
  r.kernel_release = "test";
  ObjectResult o;
  o.name = "a.bpf.o";
  ProgramResult p;
  p.name = "prog";
  p.verdict = verdict;
  p.test_run.expectation_failed = expectation_failed;
  o.programs.push_back(p);
  r.objects.push_back(o);
  return nlohmann::json(r).dump();
}

// What a finished guest streams for the report `json_text`.
std::string stream_of(const std::string& json_text) {
  return encode_report(nlohmann::json::parse(json_text).get<AgentReport>());
}

class FakeStages : public RunStages {
public:
  RowFetch fetch_kernel(const KernelRow& row) override {
    fetched.push_back(row.name);
    RowFetch out;
    if (unavailable.count(row.name)) {
      out.status = FetchStatus::unavailable;
      out.reason = unavailable[row.name];
      return out;
    }
    if (fetch_errors.count(row.name)) {
      out.status = FetchStatus::failed;
      out.error = Error{fetch_errors[row.name], row.name};
      return out;
    }
    KernelImage img;
    img.name = row.name;
    img.vmlinuz = "/fake/" + row.name;
    img.sha256 = std::string(64, 'a');
    img.origin = "fake " + row.name;
    img.source_kind = row.sources.front()->kind();
    img.source_description = row.sources.front()->describe();
    out.status = FetchStatus::fetched;
    out.image = img;
    return out;
  }
  std::vector<VmOutcome> boot_all(const std::vector<VmSpec>& specs, int jobs,
                                  const std::function<void(size_t, const std::string&)>&) override {
    booted_jobs = jobs;
    std::vector<VmOutcome> out;
    for (const auto& s : specs) {
      booted.push_back(s.name);
      arches[s.name] = s.arch;
      initrds[s.name] = s.initrd;
      cmdlines[s.name] = s.extra_cmdline;
      cpus[s.name] = s.cpus;
      memory_mb[s.name] = s.memory_mb;
      EXPECT_TRUE(fs::exists(s.initrd)) << "guest image must be built before booting";
      VmOutcome o;
      if (outcomes.count(s.name)) {
        o = outcomes[s.name];
      } else {
        o.status = KernelStatus::Ok;
        o.results = stream_of(report_json(Verdict::Accepted));
      }
      o.accel = "tcg";
      out.push_back(o);
    }
    return out;
  }
  Result<ExitStatus> run_host(const Command&, std::chrono::milliseconds) override {
    return Error{"no host in this test", ""};
  }
  std::map<std::string, std::string> fetch_errors;
  // The oci row has no registry reachable in these tests.
  std::map<std::string, std::string> unavailable = {
      {"4.18", "not available here: oci: set VMTEST_OCI_REGISTRY to the registry host"}};
  std::map<std::string, VmOutcome> outcomes;
  std::vector<std::string> fetched, booted;
  std::map<std::string, std::string> cmdlines;
  std::map<std::string, Arch> arches;
  std::map<std::string, fs::path> initrds;
  std::map<std::string, int> memory_mb;
  std::map<std::string, int> cpus;
  int booted_jobs = 0;
};

class ControllerTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "ctl-");
    LockFile lock;
    auto pin = [](const char* pkg, char deb, char vmlinuz) {
      return nlohmann::ordered_json{{"package", pkg},
                                    {"version", "1"},
                                    {"filename", "pool/x"},
                                    {"deb_sha256", std::string(64, deb)},
                                    {"vmlinuz_sha256", std::string(64, vmlinuz)}};
    };
    lock.pins["5.10"]["debian"] = pin("linux-image-a", '1', '2');
    lock.pins["6.1"]["debian"] = pin("linux-image-b", '3', '4');
    auto m = parse_matrix(kMatrix, "test-matrix.yaml", dir_, lock);
    ASSERT_TRUE(m.ok()) << m.error().str();
    matrix_ = *m;
    ASSERT_TRUE(write_file_atomic(dir_ / "agent", "agent").ok());
    ASSERT_TRUE(write_file_atomic(dir_ / "a.bpf.o", "obj").ok());
    opts_.agent = dir_ / "agent";
    opts_.out_dir = dir_ / "out";
    opts_.jobs = 2;
    opts_.guest_cpus = 1; // not this machine's cores (run/guest_cpus.h has the policy's tests)
    corpus_.push_back({"a.bpf.o", "a", dir_ / "a.bpf.o", std::string(64, 'f'), {}});
  }
  void TearDown() override { fs::remove_all(dir_); }
  RunOutcome run() {
    Controller c(matrix_, stages_, progress_);
    return c.run(opts_, corpus_);
  }
  fs::path dir_;
  Matrix matrix_;
  FakeStages stages_;
  QuietProgress progress_;
  RunOptions opts_;
  std::vector<CorpusObject> corpus_;
};

} // namespace

TEST_F(ControllerTest, DefaultRunSkipsUnavailableRowsAndNamesThem) {
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 0);
  ASSERT_EQ(out.results.kernels.size(), 3u);
  EXPECT_EQ(out.results.kernels[0].name, "4.18");
  EXPECT_EQ(out.results.kernels[0].status, KernelStatus::Skipped);
  EXPECT_NE(out.results.kernels[0].error.find("VMTEST_OCI_REGISTRY"), std::string::npos);
  EXPECT_EQ(stages_.booted, (std::vector<std::string>{"5.10", "6.1"}));
  bool named = false;
  for (const auto& l : progress_.lines)
    named |= l.rfind("4.18: skipped", 0) == 0;
  EXPECT_TRUE(named);
  // The controller fills object hashes from the corpus, not from the guest.
  EXPECT_EQ(out.results.kernels[1].objects.at(0).sha256, std::string(64, 'f'));
  EXPECT_EQ(out.results.kernels[1].image_sha256, std::string(64, 'a'));
  // Which source booted is recorded next to the image hash.
  EXPECT_EQ(out.results.kernels[1].source.kind, "debian");
  EXPECT_EQ(out.results.kernels[1].source.description, "linux-image-a from bullseye");
  EXPECT_TRUE(out.results.kernels[0].source.empty());
  EXPECT_EQ(stages_.booted_jobs, 2);
}

// With more guests than slots, the row that took longest last time boots first, results stay
// in the matrix's order, and this run's times are what the next one orders by.
TEST_F(ControllerTest, TheLongestRowBootsFirstWhenGuestsOutnumberSlots) {
  opts_.row_seconds = dir_ / "row-seconds.json";
  opts_.kernels = {"5.10", "6.1"};
  opts_.jobs = 1;
  store_row_seconds(opts_.row_seconds, {{"5.10", 3.0}, {"6.1", 9.0}});
  stages_.outcomes["5.10"].status = KernelStatus::Ok;
  stages_.outcomes["5.10"].results = stream_of(report_json(Verdict::Accepted));
  stages_.outcomes["5.10"].seconds = 4.0;
  auto out = run();
  EXPECT_EQ(stages_.booted, (std::vector<std::string>{"6.1", "5.10"}));
  ASSERT_EQ(out.results.kernels.size(), 2u);
  EXPECT_EQ(out.results.kernels[0].name, "5.10");
  EXPECT_EQ(out.results.kernels[0].boot_seconds, 4.0);
  EXPECT_EQ(out.results.kernels[1].name, "6.1");
  EXPECT_EQ(load_row_seconds(opts_.row_seconds).at("5.10"), 4.0);

  // As many slots as guests: the order does not matter, so it stays the matrix's.
  stages_.booted.clear();
  opts_.jobs = 2;
  run();
  EXPECT_EQ(stages_.booted, (std::vector<std::string>{"5.10", "6.1"}));
}

TEST_F(ControllerTest, ExplicitUnavailableRowIsAnError) {
  opts_.kernels = {"4.18"};
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  EXPECT_EQ(out.results.kernels.at(0).status, KernelStatus::Error);
  EXPECT_NE(out.results.kernels.at(0).error.find("not available here"), std::string::npos);
}

TEST_F(ControllerTest, DefaultRunIsTheMatrixDefaults) {
  matrix_.defaults = {"6.1"};
  auto out = run();
  ASSERT_EQ(out.results.kernels.size(), 1u);
  EXPECT_EQ(out.results.kernels[0].name, "6.1");
  EXPECT_EQ(stages_.fetched, std::vector<std::string>{"6.1"});
}

TEST_F(ControllerTest, UnknownKernelNameIsAUsageErrorListingValidNames) {
  opts_.kernels = {"5.4"};
  try {
    run();
    FAIL() << "expected FatalError";
  } catch (const FatalError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown kernel '5.4'"), std::string::npos);
    EXPECT_NE(msg.find("host"), std::string::npos);
    EXPECT_NE(msg.find("6.1"), std::string::npos);
  }
}

TEST_F(ControllerTest, OneKernelTimingOutKeepsTheOthersResults) {
  VmOutcome hung;
  hung.status = KernelStatus::Timeout;
  hung.error = "killed after 180 s";
  hung.console_tail = {"last line before the hang"};
  stages_.outcomes["5.10"] = hung;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  const KernelResult* k510 = out.results.find("5.10");
  const KernelResult* k61 = out.results.find("6.1");
  EXPECT_EQ(k510->status, KernelStatus::Timeout);
  EXPECT_EQ(k510->console_tail, hung.console_tail);
  EXPECT_EQ(k61->status, KernelStatus::Ok);
  ASSERT_EQ(k61->objects.size(), 1u);
  EXPECT_EQ(k61->objects[0].programs[0].verdict, Verdict::Accepted);
}

TEST_F(ControllerTest, FetchFailureIsReportedAndDoesNotBoot) {
  stages_.fetch_errors["6.1"] = "sha256 mismatch: expected 33.., got 00..";
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  EXPECT_EQ(out.results.find("6.1")->status, KernelStatus::Error);
  EXPECT_NE(out.results.find("6.1")->error.find("sha256 mismatch"), std::string::npos);
  EXPECT_EQ(stages_.booted, (std::vector<std::string>{"5.10"}));
  EXPECT_EQ(out.results.find("5.10")->status, KernelStatus::Ok);
}

TEST_F(ControllerTest, TruncatedResultsAreNoResultsNotAPass) {
  VmOutcome cut;
  cut.status = KernelStatus::Ok;
  std::string framed = stream_of(report_json(Verdict::Accepted));
  cut.results = framed.substr(0, framed.size() / 2);
  stages_.outcomes["6.1"] = cut;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  EXPECT_EQ(out.results.find("6.1")->status, KernelStatus::NoResults);
  EXPECT_NE(out.results.find("6.1")->error.find("the guest's report"), std::string::npos)
      << out.results.find("6.1")->error;
}

// A guest that exited cleanly but whose stream has no end record lost part of its report.
TEST_F(ControllerTest, AStreamWithoutItsEndRecordIsNoResults) {
  AgentReport r = nlohmann::json::parse(report_json(Verdict::Accepted)).get<AgentReport>();
  VmOutcome o;
  o.status = KernelStatus::Ok;
  o.results = start_record(r, 2) + begin_record(0, "a.bpf.o") + object_record(r.objects[0]);
  stages_.outcomes["6.1"] = o;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  const KernelResult* k = out.results.find("6.1");
  EXPECT_EQ(k->status, KernelStatus::NoResults);
  EXPECT_NE(k->error.find("after 1 of 2 objects"), std::string::npos) << k->error;
}

// Issue 13: a timeout used to lose every verdict of the kernel. The streamed records before
// it are kept, the object that was running is named, and the gate still fails the kernel.
TEST_F(ControllerTest, ATimeoutKeepsTheVerdictsReachedAndNamesTheRunningObject) {
  AgentReport r = nlohmann::json::parse(report_json(Verdict::Accepted)).get<AgentReport>();
  VmOutcome o;
  o.status = KernelStatus::Timeout;
  o.error = "6.1: no exit within 30.0 s; killed";
  o.results = start_record(r, 3) + begin_record(0, "a.bpf.o") + object_record(r.objects[0]) +
              begin_record(1, "slow.bpf.o");
  stages_.outcomes["6.1"] = o;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  const KernelResult* k = out.results.find("6.1");
  EXPECT_EQ(k->status, KernelStatus::Timeout);
  EXPECT_EQ(k->running_object, "slow.bpf.o");
  EXPECT_NE(k->error.find("no exit within 30.0 s"), std::string::npos) << k->error;
  EXPECT_NE(k->error.find("after 1 of 3 objects, while running slow.bpf.o"), std::string::npos)
      << k->error;
  ASSERT_EQ(k->objects.size(), 1u);
  EXPECT_EQ(k->objects[0].name, "a.bpf.o");
  EXPECT_EQ(k->objects[0].sha256, std::string(64, 'f'));
  EXPECT_EQ(k->objects[0].programs.at(0).verdict, Verdict::Accepted);
  EXPECT_EQ(k->kernel_release, "test");
  // The other kernel is untouched.
  EXPECT_EQ(out.results.find("5.10")->status, KernelStatus::Ok);
  // And the round trip through results.json keeps both.
  auto again = nlohmann::json(*k).get<KernelResult>();
  EXPECT_EQ(again.running_object, "slow.bpf.o");
  EXPECT_EQ(again.objects.size(), 1u);
}

TEST_F(ControllerTest, QemuKilledBySignalKeepsItsStatusAndItsStreamedVerdicts) {
  AgentReport r = nlohmann::json::parse(report_json(Verdict::Accepted)).get<AgentReport>();
  VmOutcome o;
  o.status = KernelStatus::Killed;
  o.error = "6.1: qemu was killed by SIGKILL after 16.0 s";
  std::string obj = object_record(r.objects[0]);
  o.results = start_record(r, 1) + begin_record(0, "a.bpf.o") + obj.substr(0, 10);
  stages_.outcomes["6.1"] = o;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  const KernelResult* k = out.results.find("6.1");
  EXPECT_EQ(k->status, KernelStatus::Killed);
  EXPECT_NE(k->error.find("SIGKILL"), std::string::npos) << k->error;
  EXPECT_EQ(k->running_object, "a.bpf.o");
  EXPECT_TRUE(k->objects.empty());
}

TEST_F(ControllerTest, GuestMemoryGrowsWithTheImageNeverBelowTheOption) {
  opts_.memory_mb = 64;
  opts_.kernels = {"6.1"};
  run();
  EXPECT_GE(stages_.memory_mb["6.1"], 256) << "raised for the kernel and the image";
  opts_.memory_mb = 2048;
  run();
  EXPECT_EQ(stages_.memory_mb["6.1"], 2048);
}

// x86 and arm64 rows in one run: each architecture boots its own image, holding the agent
// built for it; the results say which architecture each row is.
TEST_F(ControllerTest, EachArchitectureBootsAnImageWithItsOwnAgent) {
  ASSERT_TRUE(write_file_atomic(dir_ / "agent-arm64", "arm64 agent").ok());
  opts_.foreign_agents[Arch::arm64] = dir_ / "agent-arm64";
  opts_.kernels = {"6.1", "6.1-arm64"};
  auto out = run();
  ASSERT_EQ(stages_.booted.size(), 2u);
  EXPECT_EQ(stages_.arches["6.1"], Arch::x86_64);
  EXPECT_EQ(stages_.arches["6.1-arm64"], Arch::arm64);
  EXPECT_NE(stages_.initrds["6.1"], stages_.initrds["6.1-arm64"]);
  EXPECT_EQ(stages_.initrds["6.1-arm64"].filename(), "guest-initramfs-arm64.cpio");
  // The agent is the image's /init: its bytes are in the (uncompressed) cpio.
  auto init_of = [](const fs::path& cpio) {
    auto text = read_file(cpio);
    return text.ok() ? *text : std::string();
  };
  EXPECT_NE(init_of(stages_.initrds["6.1-arm64"]).find("arm64 agent"), std::string::npos);
  EXPECT_EQ(init_of(stages_.initrds["6.1"]).find("arm64 agent"), std::string::npos);
  EXPECT_EQ(out.results.kernels[0].arch, "x86_64");
  EXPECT_EQ(out.results.kernels[1].arch, "arm64");
  EXPECT_EQ(gate_exit(out.results), 0);
}

TEST_F(ControllerTest, AnArm64RowWithoutAnArm64AgentIsAnErrorBeforeAnyDownload) {
  opts_.kernels = {"6.1", "6.1-arm64"};
  auto out = run();
  EXPECT_EQ(stages_.fetched, std::vector<std::string>{"6.1"});
  EXPECT_EQ(stages_.booted, std::vector<std::string>{"6.1"});
  const KernelResult& arm = out.results.kernels[1];
  EXPECT_EQ(arm.status, KernelStatus::Error);
  EXPECT_NE(arm.error.find("no vmtest-guest built for arm64"), std::string::npos) << arm.error;
  EXPECT_EQ(gate_exit(out.results), 2);
}

TEST_F(ControllerTest, PanicKeepsConsoleTail) {
  VmOutcome p;
  p.status = KernelStatus::Panic;
  p.error = "Kernel panic - not syncing: Attempted to kill init!";
  p.console_tail = {"Kernel panic - not syncing: Attempted to kill init!"};
  stages_.outcomes["5.10"] = p;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  EXPECT_EQ(out.results.find("5.10")->console_tail, p.console_tail);
}

TEST_F(ControllerTest, FailedTestCaseExpectationExitsOne) {
  VmOutcome o;
  o.status = KernelStatus::Ok;
  o.results = stream_of(report_json(Verdict::Accepted, /*expectation_failed=*/true));
  stages_.outcomes["6.1"] = o;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 1);
}

TEST_F(ControllerTest, UnreadableObjectMakesTheRunExitTwo) {
  AgentReport r;
  ObjectResult bad;
  bad.name = "a.bpf.o";
  bad.error = "cannot open BPF object: BPF object format invalid";
  r.objects.push_back(bad);
  VmOutcome o;
  o.status = KernelStatus::Ok;
  o.results = stream_of(nlohmann::json(r).dump());
  stages_.outcomes["6.1"] = o;
  auto out = run();
  EXPECT_EQ(gate_exit(out.results), 2);
  EXPECT_EQ(out.results.find("6.1")->status, KernelStatus::Ok);
}

TEST_F(ControllerTest, AgentFatalErrorIsAnError) {
  AgentReport r;
  r.fatal = "cannot open manifest";
  VmOutcome o;
  o.status = KernelStatus::Ok;
  o.results = stream_of(nlohmann::json(r).dump());
  stages_.outcomes["5.10"] = o;
  auto out = run();
  EXPECT_EQ(out.results.find("5.10")->status, KernelStatus::Error);
  EXPECT_NE(out.results.find("5.10")->error.find("cannot open manifest"), std::string::npos);
}

} // namespace vmtest

namespace vmtest {

TEST_F(ControllerTest, CachedCapabilitiesSkipTheProbeAndFreshOnesAreStored) {
  opts_.bpftool = "/usr/sbin/bpftool";
  opts_.capabilities_cache = dir_ / "caps";
  // 5.10's probe is cached; 6.1's guest probes and its result must be stored.
  std::string sha(64, 'a'); // FakeStages gives every image this sha256
  ASSERT_TRUE(write_file_atomic(opts_.capabilities_cache / (sha + ".json"),
                                R"({"helpers": {"xdp_available_helpers": ["bpf_loop"]}})")
                  .ok());
  opts_.kernels = {"5.10"};
  auto out = run();
  EXPECT_EQ(stages_.cmdlines["5.10"], std::string(kSkipCapabilitiesArg));
  const KernelResult* k = out.results.find("5.10");
  ASSERT_FALSE(k->capabilities.is_null());
  EXPECT_EQ(k->capabilities["helpers"]["xdp_available_helpers"][0], "bpf_loop");
}

TEST_F(ControllerTest, WithoutACacheEntryTheGuestProbesAndTheResultIsCached) {
  opts_.bpftool = "/usr/sbin/bpftool";
  opts_.capabilities_cache = dir_ / "caps";
  AgentReport r;
  r.capabilities = nlohmann::json{{"probed", true}};
  ObjectResult o;
  o.name = "a.bpf.o";
  r.objects.push_back(o);
  VmOutcome vo;
  vo.status = KernelStatus::Ok;
  vo.results = stream_of(nlohmann::json(r).dump());
  stages_.outcomes["6.1"] = vo;
  opts_.kernels = {"6.1"};
  auto out = run();
  EXPECT_EQ(stages_.cmdlines["6.1"], "");
  auto stored = read_file(opts_.capabilities_cache / (std::string(64, 'a') + ".json"));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(nlohmann::json::parse(*stored), r.capabilities);
}

TEST_F(ControllerTest, ObjectTheHostCannotReadIsAnErrorOnEveryKernelAndNeverBooted) {
  CorpusObject broken;
  broken.name = "z_unreadable.bpf.o";
  broken.stem = "z_unreadable";
  broken.path = dir_ / "z_unreadable.bpf.o";
  broken.error = "cannot read: Permission denied";
  corpus_.push_back(broken);
  auto out = run();
  for (const char* k : {"5.10", "6.1"}) {
    const KernelResult* kr = out.results.find(k);
    ASSERT_NE(kr, nullptr);
    EXPECT_EQ(kr->status, KernelStatus::Ok);
    ASSERT_EQ(kr->objects.size(), 2u) << k;
    EXPECT_EQ(kr->objects[0].name, "a.bpf.o");
    EXPECT_EQ(kr->objects[0].programs.size(), 1u); // the good object was still verified
    EXPECT_EQ(kr->objects[1].name, "z_unreadable.bpf.o");
    EXPECT_EQ(kr->objects[1].error, "cannot read: Permission denied");
  }
  EXPECT_EQ(gate_exit(out.results), 2);
}

TEST_F(ControllerTest, ExplicitSelectionIsRecordedForTheGate) {
  opts_.kernels = {"6.1"};
  auto out = run();
  EXPECT_EQ(out.results.selected, (std::vector<std::string>{"6.1"}));
  opts_.kernels.clear();
  matrix_.defaults.clear();
  for (const auto& r : matrix_.rows)
    matrix_.defaults.push_back(r.name);
  EXPECT_TRUE(run().results.selected.empty()) << "every row is a default row: the whole matrix";
  // With opt-in rows (RHEL 8.1, a canary) a default run says which rows it was asked for, so the
  // gate does not expect a baselined row that is not a default.
  matrix_.defaults = {"6.1"};
  EXPECT_EQ(run().results.selected, (std::vector<std::string>{"6.1"}));
}

} // namespace vmtest

namespace vmtest {

TEST_F(ControllerTest, FullLogsBecomeFilesAndTheGuestLearnsItsRow) {
  opts_.full_logs.baselines["6.1"]["a.bpf.o/prog"] = {Verdict::Accepted, 10, 1};
  AgentReport r;
  ObjectResult o;
  o.name = "a.bpf.o";
  ProgramResult p;
  p.name = "prog";
  p.verdict = Verdict::Rejected;
  p.full_log.reason = FullLogReason::Rejected;
  p.full_log.level = 1;
  p.full_log.text = "0: (b7) r0 = 0\nR0 !read_ok\nprocessed 1 insns\n";
  p.full_log.bytes = p.full_log.text.size();
  o.programs.push_back(p);
  r.objects.push_back(o);
  VmOutcome vo;
  vo.status = KernelStatus::Ok;
  vo.results = encode_report(r);
  stages_.outcomes["6.1"] = vo;
  opts_.kernels = {"6.1"};
  auto out = run();
  EXPECT_EQ(stages_.cmdlines["6.1"], std::string(kRowArg) + "6.1");
  const ProgramResult& got = out.results.find("6.1")->objects.at(0).programs.at(0);
  EXPECT_EQ(got.full_log.file, "logs/6.1/a.bpf.o/prog.log");
  EXPECT_TRUE(got.full_log.text.empty()) << "results.json keeps the path, not the text";
  EXPECT_EQ(*read_file(opts_.out_dir / got.full_log.file), p.full_log.text);
}

// Cancelled before the kernels were fetched: nothing is fetched or booted, every kernel is
// recorded as interrupted with the signal named, and the gate calls the run an error.
TEST_F(ControllerTest, ACancelledRunFetchesAndBootsNothingAndRecordsEveryKernelInterrupted) {
  opts_.kernels = {"5.10", "6.1"};
  request_cancel(SIGTERM);
  auto out = run();
  reset_cancel_for_tests();
  EXPECT_TRUE(stages_.fetched.empty());
  EXPECT_TRUE(stages_.booted.empty());
  ASSERT_EQ(out.results.kernels.size(), 2u);
  for (const auto& k : out.results.kernels) {
    EXPECT_EQ(k.status, KernelStatus::Interrupted) << k.name;
    EXPECT_EQ(k.error, "not started: interrupted by SIGTERM") << k.name;
  }
  EXPECT_EQ(gate_exit(out.results), 2);
}

// Cancelled mid-boot: the VM stage reports the kernel interrupted with what it streamed; the
// verdicts it reached are kept for the gate to judge.
TEST_F(ControllerTest, AnInterruptedGuestKeepsTheVerdictsItReached) {
  AgentReport r = nlohmann::json::parse(report_json(Verdict::Accepted)).get<AgentReport>();
  VmOutcome o;
  o.status = KernelStatus::Interrupted;
  o.error = "6.1: interrupted by SIGTERM after 3.0 s";
  o.results = start_record(r, 2) + begin_record(0, "a.bpf.o") + object_record(r.objects[0]) +
              begin_record(1, "slow.bpf.o");
  stages_.outcomes["6.1"] = o;
  auto out = run();
  const KernelResult* k = out.results.find("6.1");
  EXPECT_EQ(k->status, KernelStatus::Interrupted);
  EXPECT_TRUE(k->partial());
  EXPECT_EQ(k->running_object, "slow.bpf.o");
  ASSERT_EQ(k->objects.size(), 1u);
  EXPECT_EQ(gate_exit(out.results), 2);
  auto again = nlohmann::json(*k).get<KernelResult>();
  EXPECT_EQ(again.status, KernelStatus::Interrupted);
}

} // namespace vmtest

namespace vmtest {

// Issue 24: a capabilities cache file nested 200 000 deep segfaulted after the guest finished,
// and no results.json was written. The cache is read like every other file: depth-limited.
TEST_F(ControllerTest, ACapabilitiesCacheNestedTooDeepIsAnErrorNotACrash) {
  opts_.bpftool = "/usr/sbin/bpftool";
  opts_.capabilities_cache = dir_ / "caps";
  std::string sha(64, 'a'); // FakeStages gives every image this sha256
  ASSERT_TRUE(write_file_atomic(opts_.capabilities_cache / (sha + ".json"),
                                std::string(200000, '[') + std::string(200000, ']'))
                  .ok());
  opts_.kernels = {"5.10"};
  auto out = run();
  const KernelResult* k = out.results.find("5.10");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->capabilities.is_null());
  EXPECT_NE(k->capabilities_error.find("nested deeper than"), std::string::npos)
      << k->capabilities_error;
  EXPECT_NO_THROW((void)nlohmann::json(out.results).dump());
}

TEST_F(ControllerTest, SelectionIsRecordedWhenItIsNotEveryRow) {
  // kMatrix's defaults are three of its four rows.
  auto s = select_kernels(matrix_, {});
  EXPECT_FALSE(s.by_name);
  EXPECT_EQ(s.names, matrix_.defaults);
  EXPECT_EQ(s.recorded, matrix_.defaults);
  matrix_.defaults = {"4.18", "5.10", "6.1", "6.1-arm64"};
  EXPECT_TRUE(select_kernels(matrix_, {}).recorded.empty());
  auto named = select_kernels(matrix_, {"6.1"});
  EXPECT_TRUE(named.by_name);
  EXPECT_EQ(named.recorded, std::vector<std::string>{"6.1"});
  EXPECT_TRUE(check_kernel_names(matrix_, {"6.1", "host"}).ok());
  auto bad = check_kernel_names(matrix_, {"6.1", "5.4"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().str(),
            "unknown kernel '5.4'; choose from: 4.18, 5.10, 6.1, 6.1-arm64, host");
}

TEST_F(ControllerTest, GuestsWithTwoCpusAreToldToUseTwoWorkers) {
  opts_.kernels = {"6.1"};
  opts_.guest_cpus = 2;
  run();
  EXPECT_EQ(stages_.cpus["6.1"], 2);
  EXPECT_EQ(stages_.cmdlines["6.1"], std::string(kWorkersArg) + "2");
  opts_.guest_cpus = 1;
  run();
  EXPECT_EQ(stages_.cpus["6.1"], 1);
  EXPECT_EQ(stages_.cmdlines["6.1"], "");
}

} // namespace vmtest
