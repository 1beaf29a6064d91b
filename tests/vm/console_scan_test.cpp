// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "core/fs.h"
#include "vm/console_scan.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace {

std::string fixture(const std::string& name) {
  auto text = read_file(std::filesystem::path(VMTEST_TEST_DATA) / "vm" / name);
  EXPECT_TRUE(text.ok()) << name;
  return text.ok() ? *text : std::string();
}

TEST(ConsoleScan, CleanBootHasNoPanicAndNoOops) {
  auto scan = scan_console(fixture("clean_6.12.log"));
  EXPECT_TRUE(scan.any_output);
  EXPECT_FALSE(scan.panic);
  EXPECT_TRUE(scan.oopses.empty()) << scan.oopses.front();
  ASSERT_FALSE(scan.tail.empty());
  EXPECT_EQ(scan.tail.back(), "[    2.158792] reboot: Power down"); // \r stripped
}

TEST(ConsoleScan, InitExitingIsAPanicNotAnOops) {
  auto scan = scan_console(fixture("panic_kill_init_6.1.log"));
  ASSERT_TRUE(scan.panic);
  EXPECT_EQ(*scan.panic, "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000");
  // The panic's own Call Trace belongs to the panic.
  EXPECT_TRUE(scan.oopses.empty()) << scan.oopses.front();
}

TEST(ConsoleScan, SysrqCrashOn510IsAPanic) {
  auto scan = scan_console(fixture("panic_sysrq_5.10.log"));
  ASSERT_TRUE(scan.panic);
  EXPECT_EQ(*scan.panic, "Kernel panic - not syncing: sysrq triggered crash");
}

TEST(ConsoleScan, CallTraceWithoutHeaderIsNamedByWhatPrecededIt) {
  auto scan = scan_console(fixture("backtrace_sysrq_6.12.log"));
  EXPECT_FALSE(scan.panic);
  ASSERT_EQ(scan.oopses.size(), 1u);
  EXPECT_EQ(scan.oopses[0], "Call Trace: after \"NMI backtrace for cpu 0\"");
}

TEST(ConsoleScan, OneEntryPerSplat) {
  auto scan = scan_console(fixture("oops_warning_synthetic.log"));
  EXPECT_FALSE(scan.panic);
  ASSERT_EQ(scan.oopses.size(), 3u);
  EXPECT_EQ(scan.oopses[0],
            "WARNING: CPU: 0 PID: 57 at kernel/bpf/verifier.c:1234 check_helper_call+0x5b/0x1f0");
  // "Oops:" right after the BUG line is the same splat.
  EXPECT_EQ(scan.oopses[1], "BUG: kernel NULL pointer dereference, address: 0000000000000008");
  EXPECT_EQ(scan.oopses[2].rfind("general protection fault, probably", 0), 0u) << scan.oopses[2];
}

TEST(ConsoleScan, PanicAfterOopsKeepsBoth) {
  std::string text = "[    1.0] BUG: unable to handle page fault for address: ffffffffc0000000\n"
                     "[    1.1] Oops: 0000 [#1] SMP\n"
                     "[    1.2] Call Trace:\n"
                     "[    1.3] ---[ end trace 1 ]---\n"
                     "[    1.4] Kernel panic - not syncing: Fatal exception\n";
  auto scan = scan_console(text);
  ASSERT_TRUE(scan.panic);
  EXPECT_EQ(*scan.panic, "Kernel panic - not syncing: Fatal exception");
  ASSERT_EQ(scan.oopses.size(), 1u);
  EXPECT_EQ(scan.oopses[0], "BUG: unable to handle page fault for address: ffffffffc0000000");
}

TEST(ConsoleScan, WordsEndingInBugAreNotSplats) {
  auto scan = scan_console("[ 0.1] PM: DEBUG: hello\n[ 0.2] xBUG: no\n");
  EXPECT_TRUE(scan.oopses.empty());
}

TEST(ConsoleScan, ChunkBoundariesDoNotMatter) {
  std::string text = fixture("oops_warning_synthetic.log") + fixture("panic_kill_init_6.1.log");
  auto whole = scan_console(text);
  for (std::size_t step : {1u, 7u, 100u}) {
    ConsoleScanner sc;
    for (std::size_t i = 0; i < text.size(); i += step)
      sc.feed(std::string_view(text).substr(i, step));
    sc.finish();
    EXPECT_EQ(sc.result().oopses, whole.oopses) << step;
    EXPECT_EQ(sc.result().panic, whole.panic) << step;
    EXPECT_EQ(sc.result().tail, whole.tail) << step;
  }
}

TEST(ConsoleScan, TailKeepsTheLastLinesIncludingAPartialOne) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "line " + std::to_string(i) + "\n";
  text += "no newline";
  auto scan = scan_console(text, 5);
  std::vector<std::string> want = {"line 96", "line 97", "line 98", "line 99", "no newline"};
  EXPECT_EQ(scan.tail, want);
}

TEST(ConsoleScan, EmptyInputIsNotOutput) {
  auto scan = scan_console("");
  EXPECT_FALSE(scan.any_output);
  EXPECT_TRUE(scan.tail.empty());
}

TEST(ConsoleScan, OnlyTimestampedLinesProveTheKernelRuns) {
  EXPECT_FALSE(scan_console("Probing EDD (edd=off to disable)... ok\r\n").kernel_alive);
  EXPECT_TRUE(scan_console(fixture("clean_6.12.log")).kernel_alive);
  ConsoleScanner sc;
  sc.feed("[    0.000000] Linux ver"); // no newline yet
  EXPECT_TRUE(sc.result().kernel_alive);
  EXPECT_TRUE(is_kernel_line("[    0.000000] x"));
  EXPECT_TRUE(is_kernel_line("[12345.5] x"));
  EXPECT_FALSE(is_kernel_line("[ cut here ]"));
  EXPECT_FALSE(is_kernel_line("[    0.000000"));
}

TEST(ConsoleScan, StripTimestamp) {
  EXPECT_EQ(strip_timestamp("[    1.234567] BUG: x"), "BUG: x");
  EXPECT_EQ(strip_timestamp("[    1.234567][    T1] BUG: x"), "BUG: x");
  EXPECT_EQ(strip_timestamp("BUG: x"), "BUG: x");
  EXPECT_EQ(strip_timestamp("------------[ cut here ]------------"),
            "------------[ cut here ]------------");
}

} // namespace
} // namespace vmtest

namespace vmtest {

// A corpus too large for the guest's memory: the kernel says so once and boots on, and every
// object after the failure is missing from the image. The scan must catch the line so the
// runner never calls the boot ok.
TEST(ConsoleScan, InitramfsUnpackFailureIsCaught) {
  auto scan = scan_console("[    0.912000] Trying to unpack rootfs image as initramfs...\r\n"
                           "[    3.101000] Initramfs unpacking failed: write error\r\n"
                           "[    3.200000] Freeing initrd memory: 204800K\r\n");
  ASSERT_TRUE(scan.unpack_failure);
  EXPECT_EQ(*scan.unpack_failure, "Initramfs unpacking failed: write error");
  EXPECT_FALSE(scan.panic);
  EXPECT_TRUE(scan.oopses.empty());
  EXPECT_FALSE(scan_console(fixture("clean_6.12.log")).unpack_failure);
}

} // namespace vmtest
