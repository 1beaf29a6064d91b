// SPDX-License-Identifier: BSD-2-Clause
#include "run/guest_cpus.h"

#include <algorithm>
#include <sched.h>
#include <thread>

namespace vmtest {

int guest_cpus(int requested, int vms_at_once, int host_cores) {
  if (requested > 0) return std::min(requested, kMaxGuestCpus);
  return host_cores >= 2 * std::max(1, vms_at_once) ? 2 : 1;
}

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

} // namespace vmtest
