// SPDX-License-Identifier: BSD-2-Clause
#include "vm/accel.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "fakes.h"

namespace vmtest {
namespace {
using namespace testing;
namespace fs = std::filesystem;

class AccelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = make_temp_dir(fs::temp_directory_path(), "vmtest-accel-");
    ASSERT_TRUE(d.ok());
    dir = *d;
    kernel = dir / "vmlinuz";
    ASSERT_TRUE(write_file_atomic(kernel, "bzImage").ok());
  }
  void TearDown() override { fs::remove_all(dir); }

  AccelSelector make(HostFacts host = {.kvm_device = true, .kernel_release = "6.18.0-test"}) {
    AccelOptions o;
    o.cache_file = dir / "cache" / "accel.json";
    o.liveness = 3s;
    o.notify = [this](std::string_view line) { notes.emplace_back(line); };
    return AccelSelector(runner, clock, std::move(host), std::move(o));
  }
  nlohmann::json cache() {
    auto text = read_file(dir / "cache" / "accel.json");
    EXPECT_TRUE(text.ok());
    return nlohmann::json::parse(text.ok() ? *text : "{}");
  }

  fs::path dir, kernel;
  FakeClock clock;
  FakeQemuRunner runner{clock};
  std::vector<std::string> notes;
};

FakeVm silent_forever() { return FakeVm{}; }
FakeVm talks_at_once() {
  return FakeVm{.console = {{50ms, "Probing EDD (edd=off to disable)... ok\r\n"},
                            {100ms, "[    0.000000] Linux version 6.1.0\r\n"}}};
}

TEST_F(AccelTest, ForcedTcgNeverProbes) {
  auto sel = make();
  auto a = sel.select("tcg", kernel, dir);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Accel::tcg);
  EXPECT_TRUE(runner.stats.commands.empty());
}

TEST_F(AccelTest, ForcedKvmWithoutDeviceIsAnError) {
  auto sel = make({.kvm_device = false, .kernel_release = "x"});
  auto a = sel.select("kvm", kernel, dir);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().str().find("/dev/kvm"), std::string::npos);
}

TEST_F(AccelTest, ForcedKvmIsTrustedWithoutProbe) {
  auto sel = make();
  auto a = sel.select("kvm", kernel, dir);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Accel::kvm);
  EXPECT_TRUE(runner.boots().empty());
}

TEST_F(AccelTest, UnknownAcceleratorIsAnError) {
  auto sel = make();
  EXPECT_FALSE(sel.select("hvf", kernel, dir).ok());
}

TEST_F(AccelTest, AutoWithoutDeviceIsTcgWithoutProbe) {
  auto sel = make({.kvm_device = false, .kernel_release = "x"});
  auto a = sel.select("auto", kernel, dir);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Accel::tcg);
  EXPECT_TRUE(runner.stats.commands.empty());
  EXPECT_TRUE(notes.empty());
}

TEST_F(AccelTest, SilentKvmFallsBackOnceAndIsRemembered) {
  runner.script = [](auto&) { return silent_forever(); };
  auto sel = make();
  auto t0 = clock.elapsed();
  auto a = sel.select("auto", kernel, dir);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Accel::tcg);
  // Killed at the liveness deadline, not before and not much after.
  EXPECT_GE(clock.elapsed() - t0, 3s);
  EXPECT_LT(clock.elapsed() - t0, 3500ms);
  ASSERT_EQ(runner.boots().size(), 1u);
  EXPECT_TRUE(has_pair(runner.boots()[0], "-accel", "kvm"));
  EXPECT_EQ(runner.stats.killed, 1);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("TCG"), std::string::npos);

  auto j = cache();
  ASSERT_TRUE(j["verdicts"].is_object());
  ASSERT_EQ(j["verdicts"].size(), 1u);
  std::string key = j["verdicts"].begin().key();
  EXPECT_NE(key.find("7.2.22"), std::string::npos) << key;
  EXPECT_NE(key.find("6.18.0-test"), std::string::npos) << key;
  EXPECT_EQ(j["verdicts"].begin().value()["kvm_works"], false);

  // Same selector: no probe. A fresh selector (a later run): reads the file, no probe, silent.
  EXPECT_EQ(*sel.select("auto", kernel, dir), Accel::tcg);
  auto later = make();
  EXPECT_EQ(*later.select("auto", kernel, dir), Accel::tcg);
  EXPECT_EQ(runner.boots().size(), 1u);
  EXPECT_EQ(notes.size(), 1u);
}

TEST_F(AccelTest, KvmThatTalksIsUsedAndRemembered) {
  runner.script = [](auto&) { return talks_at_once(); };
  auto sel = make();
  auto t0 = clock.elapsed();
  EXPECT_EQ(*sel.select("auto", kernel, dir), Accel::kvm);
  EXPECT_LT(clock.elapsed() - t0, 1s);  // killed as soon as it spoke
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(cache()["verdicts"].begin().value()["kvm_works"], true);
  auto later = make();
  EXPECT_EQ(*later.select("auto", kernel, dir), Accel::kvm);
  EXPECT_EQ(runner.boots().size(), 1u);
}

TEST_F(AccelTest, VerdictIsPerHostKernelAndQemuVersion) {
  runner.script = [](auto&) { return silent_forever(); };
  EXPECT_EQ(*make().select("auto", kernel, dir), Accel::tcg);
  runner.script = [](auto&) { return talks_at_once(); };
  // New host kernel: probe again.
  EXPECT_EQ(*make({.kvm_device = true, .kernel_release = "6.19"}).select("auto", kernel, dir),
            Accel::kvm);
  // New qemu: probe again.
  runner.version = "QEMU emulator version 9.2.0\n";
  EXPECT_EQ(*make().select("auto", kernel, dir), Accel::kvm);
  EXPECT_EQ(runner.boots().size(), 3u);
  EXPECT_EQ(cache()["verdicts"].size(), 3u);
}

// Seen on this host with -cpu qemu64: the real-mode setup stub prints, the kernel never does.
TEST_F(AccelTest, SetupStubOutputAloneIsNotLife) {
  runner.script = [](auto&) {
    return FakeVm{.console = {{50ms, "Probing EDD (edd=off to disable)... ok\r\n"}}};
  };
  EXPECT_EQ(*make().select("auto", kernel, dir), Accel::tcg);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("within 3.0 s"), std::string::npos) << notes[0];
}

TEST_F(AccelTest, QemuThatDiesSilentlyCountsAsBroken) {
  runner.script = [](auto&) { return FakeVm{.exit_at = 200ms, .exit_code = 134}; };
  EXPECT_EQ(*make().select("auto", kernel, dir), Accel::tcg);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("exit code 134"), std::string::npos) << notes[0];
}

TEST_F(AccelTest, CorruptCacheIsIgnored) {
  ASSERT_TRUE(write_file_atomic(dir / "cache" / "accel.json", "{not json").ok());
  runner.script = [](auto&) { return silent_forever(); };
  EXPECT_EQ(*make().select("auto", kernel, dir), Accel::tcg);
  EXPECT_EQ(cache()["verdicts"].begin().value()["kvm_works"], false);
}

// KVM runs guests of the host's architecture only: an arm64 guest on an x86 host is TCG
// without a probe, however well KVM works, and asking for KVM is an error saying why.
TEST_F(AccelTest, AnotherArchitectureIsAlwaysTcg) {
  runner.script = [](auto&) { return talks_at_once(); };
  auto sel = make({.kvm_device = true, .kernel_release = "6.18", .arch = Arch::x86_64});
  EXPECT_EQ(*sel.select("auto", kernel, dir, Arch::arm64), Accel::tcg);
  EXPECT_TRUE(runner.boots().empty());
  auto kvm = sel.select("kvm", kernel, dir, Arch::arm64);
  ASSERT_FALSE(kvm.ok());
  EXPECT_NE(kvm.error().what.find("cannot run an arm64 guest on an x86_64 host"), std::string::npos)
      << kvm.error().str();
  // The host's own architecture still gets the probe, and KVM.
  EXPECT_EQ(*sel.select("auto", kernel, dir, Arch::x86_64), Accel::kvm);
  EXPECT_EQ(runner.boots().size(), 1u);
}

// On an arm64 host the probe boots the arm64 way: qemu-system-aarch64 on the virt board.
TEST_F(AccelTest, ProbeOnAnArm64HostUsesTheVirtBoard) {
  runner.script = [](auto&) { return talks_at_once(); };
  auto sel = make({.kvm_device = true, .kernel_release = "6.18", .arch = Arch::arm64});
  EXPECT_EQ(*sel.select("auto", kernel, dir, Arch::arm64), Accel::kvm);
  ASSERT_EQ(runner.boots().size(), 1u);
  const auto argv = runner.boots()[0];
  EXPECT_EQ(argv.at(0), "qemu-system-aarch64");
  EXPECT_TRUE(has_pair(argv, "-M", "virt"));
  EXPECT_TRUE(has_pair(argv, "-cpu", "host"));
  EXPECT_TRUE(has_pair(argv, "-accel", "kvm"));
}

TEST_F(AccelTest, MarkBrokenOverridesAWorkingVerdict) {
  runner.script = [](auto&) { return talks_at_once(); };
  auto sel = make();
  EXPECT_EQ(*sel.select("auto", kernel, dir), Accel::kvm);
  sel.mark_kvm_broken("guest silent");
  sel.mark_kvm_broken("guest silent");
  EXPECT_EQ(notes.size(), 1u);
  EXPECT_EQ(*sel.select("auto", kernel, dir), Accel::tcg);
  EXPECT_EQ(*make().select("auto", kernel, dir), Accel::tcg);
  EXPECT_EQ(runner.boots().size(), 1u);
}

}  // namespace
}  // namespace vmtest
