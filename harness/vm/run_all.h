// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Runs many VMs with a bounded number at once. Outcomes come back in input order; one VM's
// failure (even an exception) becomes that VM's outcome and never touches the others.
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "vm/vm_runner.h"

namespace vmtest {

// Called (serialised) as each VM finishes: its index in the input, the spec and the outcome.
using VmProgress = std::function<void(std::size_t index, const VmSpec&, const VmOutcome&)>;

// Called (serialised with VmProgress) as a VM leaves the queue and its qemu starts, so "booting"
// is said of the VMs that are booting, not of those waiting for a free slot.
using VmStarted = std::function<void(std::size_t index, const VmSpec&)>;

// jobs <= 0 means one per core.
std::vector<VmOutcome> run_all(VmRunner& runner, std::span<const VmSpec> specs, int jobs = 0,
                               const VmProgress& progress = {}, const VmStarted& started = {});

}  // namespace vmtest
