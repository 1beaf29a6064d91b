// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The data the VM stage takes in (one kernel row booted with one guest image) and the data it
// passes on (what happened). Plain structs so the run and report stages need no qemu knowledge.
#include "core/arch.h"
#include "results/status.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace vmtest {

struct VmSpec {
  std::string name;               // kernel row, for messages
  Arch arch = Arch::x86_64;       // which qemu boots it, with which machine and ports
  std::filesystem::path kernel;   // bzImage (x86_64) or Image (arm64)
  std::filesystem::path initrd;   // uncompressed cpio newc; its /init is the agent
  std::filesystem::path work_dir; // console.log and results.out are written here
  int memory_mb = 512;
  int cpus = 1;
  // Whole-VM deadline. TCG boots of the Debian kernels take 2-4 s on an idle machine, but
  // parallel VMs on a busy 2-core box can take several times that.
  std::chrono::milliseconds timeout{120'000};
  std::string accel = "auto"; // "auto" | "kvm" | "tcg"
  std::string extra_cmdline;
};

struct VmOutcome {
  // Ok: qemu exited by itself without a panic; Timeout: killed at the deadline; Panic: the
  // kernel panicked; BootFailed: qemu could not start or exited with an error, a KVM guest
  // stayed silent, or the guest image did not unpack; Killed/Crashed: qemu died of a signal
  // that was not ours; Interrupted: vmtest was cancelled (core/cancel.h) and stopped it, or never
  // started it.
  KernelStatus status = KernelStatus::BootFailed;
  std::string accel;                     // what actually ran: "kvm" or "tcg"
  double seconds = 0;                    // qemu start -> exit
  std::string results;                   // full contents of the results port (qemu_command.h)
  std::vector<std::string> console_tail; // last lines of the console, always kept
  std::filesystem::path console_log;
  std::vector<std::string> oopses; // first line of each oops/BUG/WARNING splat, even when ok
  std::string error;               // human readable when not ok

  bool ok() const { return status == KernelStatus::Ok; }
};

} // namespace vmtest
