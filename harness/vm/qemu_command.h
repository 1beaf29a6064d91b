// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Builds the qemu command line for one VM. Pure, so the exact argv is unit tested.
#include <string>
#include <string_view>
#include <vector>

#include "vm/accel.h"
#include "vm/vm_spec.h"

namespace vmtest {

// Kernel arguments every VM gets, before VmSpec::extra_cmdline:
//  - console=ttyS0: the first serial port is the console log; ttyS1 carries results.
//  - panic=-1: reboot at once on panic; with -no-reboot qemu then exits, so a panic ends the
//    VM instead of hanging it until the deadline.
//  - earlyprintk=serial printk.time=1: the kernel's first timestamped line ("Linux
//    version") reaches the console ~0.1 s into a TCG boot. The KVM liveness check waits for
//    such a line; with plain `quiet` nothing appears until /init.
//  - loglevel=5: errors and warnings only. WARNING splats are printed at KERN_WARNING,
//    which `quiet` (loglevel=4) hides; the full default log costs ~300 serial lines.
//  - no_timer_check: skips the boot-time check that the IO-APIC timer ticks within a few
//    loops. A TCG vCPU starved by a loaded host fails it and panics ("IO-APIC + timer
//    doesn't work!"): 5 of 60 loaded boots of the 4.18 and 5.15 images under
//    bench/qemu-eval.sh, with qemu 7.2 and 10.0 alike; 0 of 40 with this argument.
// No acpi=off: it breaks `poweroff -f` in the guest.
inline constexpr std::string_view kBaseCmdline =
    "console=ttyS0 panic=-1 earlyprintk=serial printk.time=1 loglevel=5 no_timer_check";

// arm64 guests run on qemu's `virt` board, whose only UART is a PL011 (ttyAMA0): it is the
// console. Debian's arm64 cloud kernels build virtio as modules (no virtio-serial without
// loading modules) but the 8250 driver and its PCI glue in, so the results port is a PCI
// 16550 (`-device pci-serial`), the guest's first and only 8250 port: ttyS0. The agent is told
// where it is (kResultsPortArg), since ttyS1 means nothing there.
//  - earlycon: the PL011 named by the device tree's stdout-path, from the first line on (the
//    KVM liveness check needs an early line, as earlyprintk gives on x86).
//  - no no_timer_check: an x86 option; an unknown option without '=' would reach /init as an
//    argument.
inline constexpr std::string_view kArm64BaseCmdline =
    "console=ttyAMA0 panic=-1 earlycon printk.time=1 loglevel=5 vmtest.results=/dev/ttyS0";

// The base arguments for `arch` (kBaseCmdline or kArm64BaseCmdline).
std::string_view base_cmdline(Arch arch);
std::string kernel_cmdline(const VmSpec& spec);

// qemu-system-x86_64 or qemu-system-aarch64.
std::string qemu_binary(Arch arch);

// An empty `qemu_binary` means qemu_binary(spec.arch).
std::vector<std::string> qemu_argv(const VmSpec& spec, Accel accel,
                                   const std::string& qemu_binary = "");

// The KVM liveness probe (accel.h): `kernel` alone, no initrd, its console to `console`.
std::vector<std::string> kvm_probe_argv(Arch arch, const std::filesystem::path& kernel,
                                        const std::filesystem::path& console,
                                        const std::string& qemu_binary = "");

// Where the two serial ports write, inside spec.work_dir.
std::filesystem::path console_log_path(const VmSpec& spec);
std::filesystem::path results_path(const VmSpec& spec);

}  // namespace vmtest
