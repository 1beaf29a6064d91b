// SPDX-License-Identifier: BSD-2-Clause
#include "vm/qemu_command.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fakes.h"
#include "results/manifest.h"

namespace vmtest {
namespace {
using testing::has_pair;

VmSpec spec() {
  VmSpec s;
  s.name = "6.1";
  s.kernel = "/k/vmlinuz";
  s.initrd = "/g/guest.cpio";
  s.work_dir = "/w/6.1";
  s.memory_mb = 768;
  s.cpus = 2;
  return s;
}

bool has(const std::vector<std::string>& argv, const std::string& a) {
  return std::find(argv.begin(), argv.end(), a) != argv.end();
}

TEST(QemuCommand, TcgArgv) {
  auto argv = qemu_argv(spec(), Accel::tcg);
  EXPECT_EQ(argv.at(0), "qemu-system-x86_64");
  for (auto flag : {"-nodefaults", "-no-user-config", "-no-reboot"}) EXPECT_TRUE(has(argv, flag)) << flag;
  EXPECT_TRUE(has_pair(argv, "-display", "none"));
  EXPECT_TRUE(has_pair(argv, "-accel", "tcg"));
  EXPECT_TRUE(has_pair(argv, "-cpu", "max,cx16=off"));
  EXPECT_TRUE(has_pair(argv, "-m", "768"));
  EXPECT_TRUE(has_pair(argv, "-smp", "2"));
  EXPECT_TRUE(has_pair(argv, "-kernel", "/k/vmlinuz"));
  EXPECT_TRUE(has_pair(argv, "-initrd", "/g/guest.cpio"));
  // -nographic would put the monitor and a serial port on stdio.
  EXPECT_FALSE(has(argv, "-nographic"));
  EXPECT_FALSE(has(argv, "-enable-kvm"));
}

TEST(QemuCommand, ConsoleIsTheFirstSerialPortAndResultsTheSecond) {
  auto argv = qemu_argv(spec(), Accel::tcg);
  std::vector<std::string> serials;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "-serial") serials.push_back(argv[i + 1]);
  ASSERT_EQ(serials.size(), 2u);
  EXPECT_EQ(serials[0], "file:/w/6.1/console.log");
  EXPECT_EQ(serials[1], "file:/w/6.1/results.out");
  EXPECT_EQ(console_log_path(spec()), "/w/6.1/console.log");
  EXPECT_EQ(results_path(spec()), "/w/6.1/results.out");
}

TEST(QemuCommand, KvmUsesTheHostCpu) {
  auto argv = qemu_argv(spec(), Accel::kvm, "/opt/qemu/bin/qemu-system-x86_64");
  EXPECT_EQ(argv.at(0), "/opt/qemu/bin/qemu-system-x86_64");
  EXPECT_TRUE(has_pair(argv, "-accel", "kvm"));
  EXPECT_TRUE(has_pair(argv, "-cpu", "host"));
}

TEST(QemuCommand, Cmdline) {
  VmSpec s = spec();
  s.extra_cmdline = "nokaslr";
  auto argv = qemu_argv(s, Accel::tcg);
  auto it = std::find(argv.begin(), argv.end(), "-append");
  ASSERT_NE(it, argv.end());
  const std::string& cmdline = *(it + 1);
  EXPECT_EQ(cmdline, "console=ttyS0 panic=-1 earlyprintk=serial printk.time=1 loglevel=5 "
                     "no_timer_check nokaslr");
  // acpi=off breaks poweroff in the guest; quiet would hide WARNING splats.
  EXPECT_EQ(cmdline.find("acpi=off"), std::string::npos);
  EXPECT_EQ(cmdline.find("quiet"), std::string::npos);
  EXPECT_EQ(kernel_cmdline(spec()), std::string(kBaseCmdline));
}

// arm64: qemu's virt board, whose one UART (PL011, ttyAMA0) is the console; the results port
// is a PCI 16550, the guest's ttyS0, and the agent is told so on the command line.
TEST(QemuCommand, Arm64BootsTheVirtBoardWithAPciResultsPort) {
  VmSpec s = spec();
  s.arch = Arch::arm64;
  auto argv = qemu_argv(s, Accel::tcg);
  EXPECT_EQ(argv.at(0), "qemu-system-aarch64");
  EXPECT_TRUE(has_pair(argv, "-M", "virt"));
  EXPECT_TRUE(has_pair(argv, "-cpu", "max,pauth-impdef=on"));
  EXPECT_TRUE(has_pair(argv, "-serial", "file:/w/6.1/console.log"));
  EXPECT_TRUE(has_pair(argv, "-chardev", "file,id=results,path=/w/6.1/results.out"));
  EXPECT_TRUE(has_pair(argv, "-device", "pci-serial,chardev=results"));
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "-serial"), 1);
  const std::string cmdline = *(std::find(argv.begin(), argv.end(), "-append") + 1);
  EXPECT_EQ(cmdline.rfind("console=ttyAMA0 ", 0), 0u) << cmdline;
  EXPECT_NE(cmdline.find(std::string(kResultsPortArg) + "/dev/ttyS0"), std::string::npos);
  // x86-only options would reach /init as arguments; earlyprintk=serial means nothing here.
  EXPECT_EQ(cmdline.find("no_timer_check"), std::string::npos);
  EXPECT_EQ(cmdline.find("earlyprintk"), std::string::npos);
  EXPECT_NE(cmdline.find("earlycon"), std::string::npos);
  EXPECT_TRUE(has_pair(qemu_argv(s, Accel::kvm), "-cpu", "host"));
  // x86 guests keep their two serial ports and no results argument (the agent's default).
  EXPECT_EQ(kernel_cmdline(spec()).find(kResultsPortArg), std::string::npos);
}

}  // namespace
}  // namespace vmtest
