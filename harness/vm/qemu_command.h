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
//  - no_timer_check: the IO-APIC timer check counts timer ticks against a busy-wait, which a
//    TCG guest on a loaded host can fail: 5.15.148 panicked "IO-APIC + timer doesn't work!"
//    while six guests and two compilers shared two cores. The timer works; skip the check.
// No acpi=off: it breaks `poweroff -f` in the guest.
inline constexpr std::string_view kBaseCmdline =
    "console=ttyS0 panic=-1 earlyprintk=serial printk.time=1 loglevel=5 no_timer_check";

std::string kernel_cmdline(const VmSpec& spec);

std::vector<std::string> qemu_argv(const VmSpec& spec, Accel accel,
                                   const std::string& qemu_binary = "qemu-system-x86_64");

// Where the two serial ports write, inside spec.work_dir.
std::filesystem::path console_log_path(const VmSpec& spec);
std::filesystem::path results_path(const VmSpec& spec);

}  // namespace vmtest
