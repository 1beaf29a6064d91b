// SPDX-License-Identifier: BSD-2-Clause
#include "core/cancel.h"
#include "core/fs.h"
#include "fakes.h"
#include "vm/run_all.h"

#include <gtest/gtest.h>
#include <set>

namespace vmtest {
namespace {
using namespace testing;
namespace fs = std::filesystem;

TEST(RunAll, BoundedParallelismInputOrderAndIsolation) {
  auto d = make_temp_dir(fs::temp_directory_path(), "vmtest-runall-");
  ASSERT_TRUE(d.ok());
  fs::path dir = *d;
  ASSERT_TRUE(write_file_atomic(dir / "vmlinuz", "k").ok());
  ASSERT_TRUE(write_file_atomic(dir / "guest.cpio", "i").ok());

  FakeClock clock;
  FakeQemuRunner runner(clock);
  // The work dir names the VM: vm0..vm6. vm2 panics, vm4 hangs, the rest boot.
  runner.script = [](const std::vector<std::string>& argv) {
    std::string all;
    for (auto& a : argv)
      all += a + " ";
    if (all.find("/vm2/") != std::string::npos)
      return FakeVm{.console = {{100ms, "Kernel panic - not syncing: boom\n"}}, .exit_at = 200ms};
    if (all.find("/vm4/") != std::string::npos) return FakeVm{.console = {{100ms, "hi\n"}}};
    return FakeVm{.console = {{100ms, "hi\n"}}, .results = {{300ms, "ok\n"}}, .exit_at = 500ms};
  };
  AccelOptions ao;
  ao.cache_file = dir / "accel.json";
  AccelSelector sel(runner, clock, HostFacts{}, ao);
  VmRunner vm(runner, sel, clock);

  std::vector<VmSpec> specs(7);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    specs[i].name = "vm" + std::to_string(i);
    specs[i].kernel = dir / "vmlinuz";
    specs[i].initrd = dir / "guest.cpio";
    specs[i].work_dir = dir / specs[i].name;
    // The fake clock is shared and only moves when a thread sleeps, so the hanging VM's
    // spinning moves time for everyone: give the others a deadline it cannot reach.
    specs[i].timeout = i == 4 ? 5s : 1000s;
    specs[i].accel = "tcg";
  }
  specs[6].kernel = dir / "missing";

  std::set<std::size_t> seen, started;
  int calls = 0, in_flight = 0, most_in_flight = 0;
  auto outs = run_all(
      vm, specs, 2,
      [&](std::size_t i, const VmSpec& s, const VmOutcome& o) {
        ++calls;
        --in_flight;
        seen.insert(i);
        EXPECT_TRUE(started.count(i)) << i << " finished before it was said to start";
        EXPECT_EQ(s.name, specs[i].name);
        EXPECT_STRNE(to_string(o.status), "?");
      },
      // Said as each VM leaves the queue: never more "started" than slots.
      [&](std::size_t i, const VmSpec& s) {
        EXPECT_EQ(s.name, specs[i].name);
        started.insert(i);
        most_in_flight = std::max(most_in_flight, ++in_flight);
      });
  EXPECT_EQ(started.size(), 7u);
  EXPECT_LE(most_in_flight, 2);
  ASSERT_EQ(outs.size(), specs.size());
  EXPECT_EQ(calls, 7);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_LE(runner.stats.max_active, 2);
  for (std::size_t i : {0u, 1u, 3u, 5u}) {
    EXPECT_EQ(outs[i].status, KernelStatus::Ok) << i << ": " << outs[i].error;
    EXPECT_EQ(outs[i].results, "ok\n") << i;
    EXPECT_EQ(outs[i].console_log, dir / specs[i].name / "console.log");
  }
  EXPECT_EQ(outs[2].status, KernelStatus::Panic);
  EXPECT_EQ(outs[4].status, KernelStatus::Timeout);
  EXPECT_EQ(outs[6].status, KernelStatus::BootFailed);
  fs::remove_all(dir);
}

TEST(RunAll, EmptyInput) {
  FakeClock clock;
  FakeQemuRunner runner(clock);
  AccelSelector sel(runner, clock, HostFacts{}, AccelOptions{.cache_file = "/nonexistent/a.json"});
  VmRunner vm(runner, sel, clock);
  EXPECT_TRUE(run_all(vm, std::span<const VmSpec>{}, 4).empty());
}

} // namespace
} // namespace vmtest

namespace vmtest {
namespace {
using namespace testing;

// After a cancellation no queued VM boots; each says it was never started, and why.
TEST(RunAll, NoVmStartsOnceCancelled) {
  auto d = make_temp_dir(fs::temp_directory_path(), "vmtest-runall-");
  ASSERT_TRUE(d.ok());
  FakeClock clock;
  FakeQemuRunner runner(clock);
  AccelOptions ao;
  ao.cache_file = *d / "accel.json";
  AccelSelector sel(runner, clock, HostFacts{}, ao);
  VmRunner vm(runner, sel, clock);
  std::vector<VmSpec> specs(3);
  for (std::size_t i = 0; i < specs.size(); ++i) specs[i].name = "vm" + std::to_string(i);
  request_cancel(SIGTERM);
  std::vector<std::string> said;
  auto out = run_all(vm, specs, 2,
                     [&](std::size_t, const VmSpec& s, const VmOutcome& o) {
                       said.push_back(s.name + " " + to_string(o.status));
                     },
                     [&](std::size_t, const VmSpec& s) { said.push_back(s.name + " started"); });
  reset_cancel_for_tests();
  ASSERT_EQ(out.size(), 3u);
  for (const auto& o : out) {
    EXPECT_EQ(o.status, KernelStatus::Interrupted);
    EXPECT_NE(o.error.find("not started: interrupted by SIGTERM"), std::string::npos) << o.error;
  }
  EXPECT_TRUE(runner.boots().empty());
  EXPECT_EQ(said.size(), 3u);
  for (const auto& s : said) EXPECT_EQ(s.find("started"), std::string::npos) << s;
  fs::remove_all(*d);
}

} // namespace
} // namespace vmtest

