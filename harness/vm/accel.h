// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Chooses between KVM and TCG. KVM is used only when /dev/kvm exists AND a KVM guest actually
// runs: with nested virtualisation a -enable-kvm guest can stay "running" while executing
// nothing (qemu 7.2 prints nothing at all; newer qemu pauses on an emulation failure). So the
// check is liveness, never an error message: boot the kernel under KVM and give its first
// timestamped console line a short deadline (the real-mode "Probing EDD" line does not
// count: it appears even when KVM cannot run the kernel proper). The verdict is remembered per (qemu version, host kernel) in
// a small JSON file so later runs go straight to the right accelerator.
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/arch.h"
#include "core/process.h"
#include "core/result.h"
#include "vm/clock.h"

namespace vmtest {

enum class Accel { kvm, tcg };
std::string_view to_string(Accel a);

// Facts about the host the verdict depends on; detect_host_facts() reads the real ones.
struct HostFacts {
  bool kvm_device = false;     // /dev/kvm exists and opens read-write
  std::string kernel_release;  // uname -r
  Arch arch = host_arch();     // KVM runs guests of this architecture only
};
HostFacts detect_host_facts();

struct AccelOptions {
  // The qemu that probes KVM; empty: qemu_binary(host arch), the only one KVM can serve.
  std::string qemu;
  std::filesystem::path cache_file;  // empty: default_cache_dir()/accel.json
  // Healthy guests print their first console line within ~0.1-0.5 s under TCG and faster
  // under KVM; a broken KVM prints nothing, ever.
  std::chrono::milliseconds liveness{3000};
  std::chrono::milliseconds poll_interval{20};
  // Receives the single line printed when KVM is found broken. Default: stderr.
  std::function<void(std::string_view)> notify;
};

class AccelSelector {
 public:
  AccelSelector(CommandRunner& runner, Clock& clock, HostFacts host, AccelOptions opts = {});

  // Resolves "auto" | "kvm" | "tcg" for a guest of architecture `guest`. KVM only ever runs a
  // guest of the host's own architecture: for another one "auto" is TCG and "kvm" an error.
  // Otherwise "auto" uses the remembered verdict, or boots `probe_kernel` once under KVM
  // (writing its console to `scratch_dir`) to decide. Thread-safe: concurrent callers wait
  // for a single probe.
  Result<Accel> select(std::string_view requested, const std::filesystem::path& probe_kernel,
                       const std::filesystem::path& scratch_dir, Arch guest = host_arch());

  // A KVM guest stayed silent even though KVM was judged to work: remember it as broken so
  // "auto" uses TCG from now on.
  void mark_kvm_broken(std::string_view why);

 private:
  // The cache key: the verdict holds for one qemu build on one host kernel.
  std::string verdict_key();
  Result<Accel> decide_auto(const std::filesystem::path& probe_kernel,
                            const std::filesystem::path& scratch_dir);
  Result<bool> probe_kvm(const std::filesystem::path& kernel, const std::filesystem::path& dir);
  std::optional<bool> load_verdict();
  void save_verdict(bool kvm_works, std::string_view reason);
  void say(std::string_view line);

  CommandRunner& runner_;
  Clock& clock_;
  HostFacts host_;
  AccelOptions opts_;
  std::mutex mu_;
  std::optional<Accel> auto_choice_;  // decided once per process
  std::string qemu_version_;
  std::string probe_note_;  // why the last probe judged KVM broken
};

}  // namespace vmtest
