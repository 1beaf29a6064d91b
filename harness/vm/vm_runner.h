// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Boots one VM and watches it: picks the accelerator, starts qemu, follows the console log as
// it grows (panic seen promptly, KVM silence detected), enforces the deadline, and collects
// the results port. Everything that can go wrong becomes a VmOutcome status, never an
// exception, so one VM's failure cannot affect another's.
#include <chrono>
#include <cstddef>
#include <string>

#include "core/process.h"
#include "vm/accel.h"
#include "vm/clock.h"
#include "vm/vm_spec.h"

namespace vmtest {

struct VmRunnerOptions {
  // Empty: the guest's own, qemu_binary(VmSpec::arch). Set, it boots every guest (tests).
  std::string qemu;
  // Under KVM, the first console byte must arrive within this long (see accel.h).
  std::chrono::milliseconds liveness{3000};
  // With panic=-1 and -no-reboot qemu exits right after a panic; if it does not (a panic
  // during reboot, a wedged guest) it is killed this long after the panic line.
  std::chrono::milliseconds panic_grace{2000};
  std::chrono::milliseconds poll_interval{20};
  std::size_t tail_lines = 50;
};

class VmRunner {
 public:
  VmRunner(CommandRunner& runner, AccelSelector& accel, Clock& clock, VmRunnerOptions opts = {});
  // Thread-safe: run_all() calls it from several threads.
  VmOutcome run(const VmSpec& spec);

 private:
  VmOutcome run_with(const VmSpec& spec, Accel accel, bool& kvm_silent);

  CommandRunner& runner_;
  AccelSelector& accel_;
  Clock& clock_;
  VmRunnerOptions opts_;
};

}  // namespace vmtest
