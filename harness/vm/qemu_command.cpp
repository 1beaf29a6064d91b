// SPDX-License-Identifier: BSD-2-Clause
#include "vm/qemu_command.h"

namespace vmtest {

std::filesystem::path console_log_path(const VmSpec& spec) { return spec.work_dir / "console.log"; }
std::filesystem::path results_path(const VmSpec& spec) { return spec.work_dir / "results.out"; }

std::string_view base_cmdline(Arch arch) {
  return arch == Arch::arm64 ? kArm64BaseCmdline : kBaseCmdline;
}

std::string qemu_binary(Arch arch) {
  return arch == Arch::arm64 ? "qemu-system-aarch64" : "qemu-system-x86_64";
}

std::string kernel_cmdline(const VmSpec& spec) {
  std::string cmdline(base_cmdline(spec.arch));
  if (!spec.extra_cmdline.empty()) cmdline += " " + spec.extra_cmdline;
  return cmdline;
}

namespace {

// x86: the CPU model (see below). arm64: `-M virt` (the board every arm64 distribution kernel
// boots on) and `max`, every feature TCG emulates; KVM passes the host's CPU through. With
// pauth-impdef: `max` has pointer authentication, which Debian's arm64 kernels use on every
// function return, and TCG's emulation of the architected QARMA algorithm is slow; the
// implementation-defined one keeps the feature and costs far less. Measured on a loaded 2-core
// host, 6.1-arm64 booting a busybox floor: 55 s and 56 s with plain `max`, 12.5 s and 7.7 s
// with pauth-impdef=on. Verifier verdicts do not depend on it.
std::vector<std::string> machine_args(Arch arch, Accel accel) {
  if (arch == Arch::arm64)
    return {"-M", "virt", "-cpu", accel == Accel::kvm ? "host" : "max,pauth-impdef=on"};
  // TCG: `max` offers every feature TCG emulates, so the guest (and its BPF JIT) sees a
  // modern CPU rather than the 2003-era qemu64; measured no slower to boot. Minus cx16:
  // qemu 7.2's TCG corrupts EFLAGS around cmpxchg16b when an interrupt lands nearby,
  // and Debian's 6.12 SLUB uses it on every allocation. Measured on a loaded 2-core
  // host: 6.12 crashed (double fault in __kmalloc, NULL derefs) in about half of the
  // boots with max or qemu64, and in 0 of 16 with cx16 off. Re-measured with
  // bench/qemu-eval.sh: 5 of 16 crashed with max on 7.2; qemu 10.0.2 (backports) no
  // longer has the bug (0 of 36 with max) but boots slower, so 7.2 and this flag stay.
  return {"-cpu", accel == Accel::kvm ? "host" : "max,cx16=off"};
}

} // namespace

std::vector<std::string> qemu_argv(const VmSpec& spec, Accel accel,
                                   const std::string& qemu_binary_override) {
  std::vector<std::string> argv = {
      qemu_binary_override.empty() ? qemu_binary(spec.arch) : qemu_binary_override,
      // No NIC (and its iPXE ROM), no VGA, no monitor, no default serial; no config files.
      "-nodefaults", "-no-user-config",
      // A guest reboot (which is what panic=-1 does) ends qemu instead of booting again.
      "-no-reboot",
      // -nographic would put a serial port and the monitor on stdio; we want neither.
      "-display", "none",
      "-accel", std::string(to_string(accel)),
  };
  for (auto& a : machine_args(spec.arch, accel))
    argv.push_back(std::move(a));
  for (auto& a : std::vector<std::string>{
      "-m", std::to_string(spec.memory_mb),
      "-smp", std::to_string(spec.cpus),
      "-kernel", spec.kernel.string(),
      "-initrd", spec.initrd.string(),
      "-append", kernel_cmdline(spec),
      // The console and, on a port of its own, only the agent's results, so kernel messages
      // can never interleave with them. x86: ttyS0 and ttyS1.
      "-serial", "file:" + console_log_path(spec).string()})
    argv.push_back(std::move(a));
  if (spec.arch == Arch::arm64) {
    // virt's PL011 took the -serial above; the results port is a PCI 16550 (see the .h).
    argv.insert(argv.end(), {"-chardev", "file,id=results,path=" + results_path(spec).string(),
                             "-device", "pci-serial,chardev=results"});
  } else {
    argv.insert(argv.end(), {"-serial", "file:" + results_path(spec).string()});
  }
  return argv;
}

std::vector<std::string> kvm_probe_argv(Arch arch, const std::filesystem::path& kernel,
                                        const std::filesystem::path& console,
                                        const std::string& qemu_binary_override) {
  std::vector<std::string> argv = {
      qemu_binary_override.empty() ? qemu_binary(arch) : qemu_binary_override,
      "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none", "-accel", "kvm"};
  for (auto& a : machine_args(arch, Accel::kvm))
    argv.push_back(std::move(a));
  argv.insert(argv.end(), {"-m", "256", "-kernel", kernel.string(), "-append",
                           std::string(base_cmdline(arch)), "-serial", "file:" + console.string()});
  return argv;
}

}  // namespace vmtest
