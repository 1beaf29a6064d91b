// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The agent: loads and runs every program of every object in the manifest on the running
// kernel. The same code runs as /init inside a VM and directly on the host (--kernel host).
#include "results/manifest.h"
#include "results/results.h"

#include <functional>
#include <string>

namespace vmtest {

struct AgentOptions {
  bool echo_libbpf = false;
  // Progress lines ("[3/27] loop.bpf.o:xdp_bpf_loop accepted": object 3 of 27); inside a VM
  // they go to the console so a hang shows where it happened.
  std::function<void(const std::string&)> progress;
  // The controller already has this kernel's capability probe (see kSkipCapabilitiesArg).
  bool skip_capabilities = false;
  // Receives each record of the report (results/guest_protocol.h) as soon as it is known, so
  // a guest stopped mid-corpus still hands over every verdict it reached. Optional.
  std::function<void(const std::string& record)> emit;
  // The matrix row this kernel was booted for (kRowArg; "host" on the host): picks the row's
  // baseline from the manifest's full-log plan.
  std::string row;
  // Processes that load objects at once (agent/ordered_workers.h): the records, their order
  // and the progress lines are those of one. More than one pays only with as many CPUs.
  int workers = 1;
};

AgentReport run_agent(const Manifest& manifest, const AgentOptions& opts = {});

// The libbpf the agent runs with, e.g. "1.4.6" (recorded in every result).
std::string libbpf_version();

} // namespace vmtest
