// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// How many vCPUs each guest of a run gets. A guest with two loads objects in two worker
// processes (agent/ordered_workers.h); under TCG each vCPU is a host thread, so a second one
// can only pay when a host core is free for it. VMs of a matrix already run one per core, and a
// second vCPU each would only make them compete: `--guest-cpus 0` gives two vCPUs only when the
// host has at least two cores for every VM running at once (one row on two cores; two rows on
// four). The default is one: on the shared 2-core machines this was measured on, a single 6.1
// row with two workers was no faster (libbpf-tools) or a fifth slower (bundled corpus), the
// second vCPU waiting for host time that other work held (bench/loader-profile.sh; README).
namespace vmtest {

// The most vCPUs (and workers) vmtest gives a guest, asked or not.
inline constexpr int kMaxGuestCpus = 8;

// `requested` > 0 is the user's choice (--guest-cpus), kept within [1, kMaxGuestCpus];
// 0 is the policy above for `vms_at_once` VMs on `host_cores` cores.
int guest_cpus(int requested, int vms_at_once, int host_cores);

// The cores this process may run on (its affinity mask: `taskset -c 0 vmtest run` counts one).
int available_cores();

} // namespace vmtest
