// SPDX-License-Identifier: BSD-2-Clause
#include "core/cancel.h"
#include "core/fs.h"
#include "fakes.h"
#include "vm/vm_runner.h"

#include <csignal>
#include <gtest/gtest.h>

namespace vmtest {
namespace {
using namespace testing;
namespace fs = std::filesystem;

const char* kBoot =
    "Probing EDD (edd=off to disable)... ok\r\n[    0.000000] Linux version 6.1.0\r\n";
const char* kPanic =
    "[    1.6] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000\r\n"
    "[    1.6] Call Trace:\r\n";

class VmRunnerTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto d = make_temp_dir(fs::temp_directory_path(), "vmtest-vmrunner-");
    ASSERT_TRUE(d.ok());
    dir = *d;
    ASSERT_TRUE(write_file_atomic(dir / "vmlinuz", "k").ok());
    ASSERT_TRUE(write_file_atomic(dir / "guest.cpio", "i").ok());
  }
  void TearDown() override {
    reset_cancel_for_tests();
    fs::remove_all(dir);
  }

  VmSpec spec(std::string accel = "tcg") {
    VmSpec s;
    s.name = "6.1";
    s.kernel = dir / "vmlinuz";
    s.initrd = dir / "guest.cpio";
    s.work_dir = dir / "work";
    s.timeout = 10s;
    s.accel = accel;
    return s;
  }
  VmOutcome run(const VmSpec& s, HostFacts host = {.kvm_device = false, .kernel_release = "h"}) {
    AccelOptions ao;
    ao.cache_file = dir / "accel.json";
    ao.notify = [this](std::string_view l) { notes.emplace_back(l); };
    AccelSelector sel(runner, clock, std::move(host), ao);
    VmRunner vm(runner, sel, clock);
    return vm.run(s);
  }

  fs::path dir;
  FakeClock clock;
  FakeQemuRunner runner{clock};
  std::vector<std::string> notes;
};

TEST_F(VmRunnerTest, NormalExitIsOk) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{100ms, kBoot}, {2000ms, "[ 2.0] reboot: Power down\r\n"}},
                  .results = {{1500ms, "{\"programs\": []}\n"}},
                  .exit_at = 2100ms};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Ok) << out.error;
  EXPECT_EQ(out.accel, "tcg");
  EXPECT_EQ(out.results, "{\"programs\": []}\n");
  EXPECT_NEAR(out.seconds, 2.1, 0.05);
  ASSERT_FALSE(out.console_tail.empty());
  EXPECT_EQ(out.console_tail.back(), "[ 2.0] reboot: Power down");
  EXPECT_EQ(out.console_log, dir / "work" / "console.log");
  EXPECT_TRUE(out.oopses.empty());
  EXPECT_TRUE(out.error.empty());
  EXPECT_EQ(runner.stats.killed, 0);
}

TEST_F(VmRunnerTest, StaleFilesFromAnEarlierRunAreRemoved) {
  ASSERT_TRUE(write_file_atomic(dir / "work" / "results.out", "old results").ok());
  ASSERT_TRUE(
      write_file_atomic(dir / "work" / "console.log", "Kernel panic - not syncing: old\n").ok());
  runner.script = [](auto&) { return FakeVm{.console = {{100ms, kBoot}}, .exit_at = 1s}; };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Ok) << out.error;
  EXPECT_EQ(out.results, "");
}

TEST_F(VmRunnerTest, HangIsKilledAtTheDeadlineAndKeepsWhatWasWritten) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{100ms, kBoot}}, .results = {{1s, "partial\n"}}};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Timeout);
  EXPECT_EQ(runner.stats.killed, 1);
  EXPECT_GE(out.seconds, 10.0);
  EXPECT_LT(out.seconds, 10.5);
  EXPECT_EQ(out.results, "partial\n");
  EXPECT_EQ(out.console_tail.size(), 2u);
  EXPECT_NE(out.error.find("6.1"), std::string::npos);
  EXPECT_NE(out.error.find("10.0 s"), std::string::npos) << out.error;
}

TEST_F(VmRunnerTest, PanicThenExitIsPanic) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{100ms, kBoot}, {1600ms, kPanic}}, .exit_at = 1650ms};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Panic);
  EXPECT_NE(out.error.find("Attempted to kill init"), std::string::npos) << out.error;
  EXPECT_EQ(out.console_tail.back(), "[    1.6] Call Trace:");
  EXPECT_EQ(runner.stats.killed, 0);
}

TEST_F(VmRunnerTest, PanicWithoutExitIsKilledPromptly) {
  runner.script = [](auto&) { return FakeVm{.console = {{100ms, kBoot}, {1s, kPanic}}}; };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Panic);
  EXPECT_EQ(runner.stats.killed, 1);
  // Panic grace (2 s) after the panic line, well before the 10 s deadline.
  EXPECT_NEAR(out.seconds, 3.0, 0.1);
}

TEST_F(VmRunnerTest, OopsIsReportedEvenWhenOk) {
  runner.script = [](auto&) {
    return FakeVm{
        .console = {{100ms, kBoot},
                    {500ms, "[ 0.5] WARNING: CPU: 0 PID: 1 at kernel/bpf/core.c:1 f+0x1\r\n"
                            "[ 0.5] Call Trace:\r\n[ 0.5] ---[ end trace 0 ]---\r\n"}},
        .exit_at = 1s};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Ok);
  ASSERT_EQ(out.oopses.size(), 1u);
  EXPECT_EQ(out.oopses[0], "WARNING: CPU: 0 PID: 1 at kernel/bpf/core.c:1 f+0x1");
}

TEST_F(VmRunnerTest, QemuErrorIsBootFailedWithItsMessage) {
  runner.script = [](auto&) {
    return FakeVm{.exit_at = 50ms,
                  .exit_code = 1,
                  .output = "qemu-system-x86_64: -m 999999: cannot set up guest memory 'pc.ram'\n"};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::BootFailed);
  EXPECT_NE(out.error.find("exit code 1"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("cannot set up guest memory"), std::string::npos) << out.error;
}

TEST_F(VmRunnerTest, StartFailureIsBootFailed) {
  runner.fail_start = true;
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::BootFailed);
  EXPECT_NE(out.error.find("cannot start qemu"), std::string::npos) << out.error;
}

TEST_F(VmRunnerTest, MissingKernelIsBootFailed) {
  VmSpec s = spec();
  s.kernel = dir / "nope";
  auto out = run(s);
  EXPECT_EQ(out.status, KernelStatus::BootFailed);
  EXPECT_NE(out.error.find("nope"), std::string::npos);
  EXPECT_TRUE(runner.stats.commands.empty());
}

TEST_F(VmRunnerTest, ForcedKvmThatStaysSilentFailsWithoutRetry) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{50ms, "Probing EDD (edd=off to disable)... ok\r\n"}}};
  };
  auto out = run(spec("kvm"), {.kvm_device = true, .kernel_release = "h"});
  EXPECT_EQ(out.status, KernelStatus::BootFailed);
  EXPECT_EQ(out.accel, "kvm");
  EXPECT_NE(out.error.find("printed nothing under KVM"), std::string::npos) << out.error;
  EXPECT_NEAR(out.seconds, 3.0, 0.1); // liveness deadline, not the 10 s timeout
  EXPECT_EQ(runner.boots().size(), 1u);
}

TEST_F(VmRunnerTest, AutoWithStaleKvmVerdictFallsBackToTcgAndRunsAgain) {
  ASSERT_TRUE(write_file_atomic(dir / "accel.json",
                                R"({"verdicts": {"QEMU emulator version 7.2.22 (fake) | host h": )"
                                R"({"kvm_works": true}}})")
                  .ok());
  // KVM guests say nothing; TCG guests boot.
  runner.script = [](const std::vector<std::string>& argv) {
    if (has_pair(argv, "-accel", "kvm")) return FakeVm{};
    return FakeVm{.console = {{100ms, kBoot}}, .results = {{500ms, "r\n"}}, .exit_at = 1s};
  };
  auto out = run(spec("auto"), {.kvm_device = true, .kernel_release = "h"});
  EXPECT_EQ(out.status, KernelStatus::Ok) << out.error;
  EXPECT_EQ(out.accel, "tcg");
  EXPECT_EQ(out.results, "r\n");
  ASSERT_EQ(runner.boots().size(), 2u); // no separate probe: the verdict was trusted
  EXPECT_TRUE(has_pair(runner.boots()[0], "-accel", "kvm"));
  EXPECT_TRUE(has_pair(runner.boots()[1], "-accel", "tcg"));
  EXPECT_EQ(notes.size(), 1u);
  auto cache = read_file(dir / "accel.json");
  ASSERT_TRUE(cache.ok());
  EXPECT_NE(cache->find("\"kvm_works\": false"), std::string::npos) << *cache;
}

} // namespace
} // namespace vmtest

namespace vmtest {
namespace {
using namespace testing;

// Someone else's SIGKILL (the OOM killer, a cancelled CI job) after real work is not a boot
// failure: the status says qemu was killed, and by what.
TEST_F(VmRunnerTest, QemuKilledBySomeoneElseIsKilledWithTheSignalName) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{100ms, kBoot}},
                  .results = {{1s, "partial\n"}},
                  .exit_at = 4s,
                  .exit_signal = SIGKILL};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Killed);
  EXPECT_NE(out.error.find("SIGKILL"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("killed"), std::string::npos) << out.error;
  EXPECT_EQ(out.results, "partial\n") << "what the guest streamed is kept";
  EXPECT_EQ(runner.stats.killed, 0) << "the runner did not kill it";
}

TEST_F(VmRunnerTest, QemuDyingOfAFaultSignalIsCrashed) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{100ms, kBoot}}, .exit_at = 2s, .exit_signal = SIGSEGV};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Crashed);
  EXPECT_NE(out.error.find("SIGSEGV"), std::string::npos) << out.error;
}

// The kernel cannot unpack the whole image, boots on, and the agent exits cleanly having
// found half its objects missing: never ok.
TEST_F(VmRunnerTest, InitramfsUnpackFailureIsNeverOk) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{100ms, kBoot},
                              {500ms, "[    3.1] Initramfs unpacking failed: write error\r\n"}},
                  .results = {{1s, "r\n"}},
                  .exit_at = 2s};
  };
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::BootFailed);
  EXPECT_NE(out.error.find("Initramfs unpacking failed: write error"), std::string::npos)
      << out.error;
  EXPECT_NE(out.error.find("512 MB"), std::string::npos) << out.error;
}

} // namespace
} // namespace vmtest

namespace vmtest {
namespace {
using namespace testing;

// vmtest was cancelled (SIGTERM from a cancelled CI job): the VM stops at once, is neither a
// timeout nor "killed by someone", and keeps what its guest streamed.
TEST_F(VmRunnerTest, CancellationStopsTheVmAsInterruptedAndKeepsItsStream) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{0ms, kBoot}}, .results = {{0ms, "partial\n"}}};
  };
  request_cancel(SIGTERM);
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Interrupted) << out.error;
  EXPECT_NE(out.error.find("interrupted by SIGTERM"), std::string::npos) << out.error;
  EXPECT_EQ(out.results, "partial\n");
  EXPECT_LT(out.seconds, 1.0) << "stopped at once, not at the deadline";
}

// A guest that finished before the cancellation keeps its verdict.
TEST_F(VmRunnerTest, AGuestThatFinishedBeforeTheCancellationIsOk) {
  runner.script = [](auto&) { return FakeVm{.console = {{0ms, kBoot}}, .exit_at = 0ms}; };
  request_cancel(SIGINT);
  auto out = run(spec());
  EXPECT_EQ(out.status, KernelStatus::Ok) << out.error;
}

} // namespace
} // namespace vmtest

