#include "vm/qemu_command.h"

namespace vmtest {

std::filesystem::path console_log_path(const VmSpec& spec) { return spec.work_dir / "console.log"; }
std::filesystem::path results_path(const VmSpec& spec) { return spec.work_dir / "results.out"; }

std::string kernel_cmdline(const VmSpec& spec) {
  std::string cmdline(kBaseCmdline);
  if (!spec.extra_cmdline.empty()) cmdline += " " + spec.extra_cmdline;
  return cmdline;
}

std::vector<std::string> qemu_argv(const VmSpec& spec, Accel accel,
                                   const std::string& qemu_binary) {
  std::vector<std::string> argv = {
      qemu_binary,
      // No NIC (and its iPXE ROM), no VGA, no monitor, no default serial; no config files.
      "-nodefaults", "-no-user-config",
      // A guest reboot (which is what panic=-1 does) ends qemu instead of booting again.
      "-no-reboot",
      // -nographic would put a serial port and the monitor on stdio; we want neither.
      "-display", "none",
      "-accel", std::string(to_string(accel)),
      // TCG: `max` offers every feature TCG emulates, so the guest (and its BPF JIT) sees a
      // modern CPU rather than the 2003-era qemu64; measured no slower to boot. Minus cx16:
      // qemu 7.2's TCG corrupts EFLAGS around cmpxchg16b when an interrupt lands nearby,
      // and Debian's 6.12 SLUB uses it on every allocation. Measured on a loaded 2-core
      // host: 6.12 crashed (double fault in __kmalloc, NULL derefs) in about half of the
      // boots with max or qemu64, and in 0 of 16 with cx16 off. Re-measured with
      // bench/qemu-eval.sh: 5 of 16 crashed with max on 7.2; qemu 10.0.2 (backports) no
      // longer has the bug (0 of 36 with max) but boots slower, so 7.2 and this flag stay.
      "-cpu", accel == Accel::kvm ? "host" : "max,cx16=off",
      "-m", std::to_string(spec.memory_mb),
      "-smp", std::to_string(spec.cpus),
      "-kernel", spec.kernel.string(),
      "-initrd", spec.initrd.string(),
      "-append", kernel_cmdline(spec),
      // Two serial ports: ttyS0 is the console, ttyS1 carries only the agent's results, so
      // kernel messages can never interleave with them.
      "-serial", "file:" + console_log_path(spec).string(),
      "-serial", "file:" + results_path(spec).string(),
  };
  return argv;
}

}  // namespace vmtest
