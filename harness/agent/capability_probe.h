// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The capability probe: runs `bpftool feature probe kernel -j` on the running kernel and keeps
// its JSON verbatim. bpftool knows far more program/map types and helpers than we would want
// to re-probe by hand, and its output is what platform teams already read. The agent is a
// static PID 1 with no shell, so this is a plain fork/exec with a deadline.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vmtest {

struct CapabilityProbe {
  nlohmann::json json; // null on failure
  std::string error;   // why there is no JSON
  double seconds = 0;
};

// Under TCG the probe loads a few thousand tiny programs; the deadline only guards against a
// wedged bpftool, so it is generous.
inline constexpr std::chrono::milliseconds kCapabilityProbeTimeout{90'000};

CapabilityProbe probe_capabilities(const std::string& bpftool,
                                   std::chrono::milliseconds timeout = kCapabilityProbeTimeout);

// The plumbing, exposed for tests: runs argv (argv[0] is a path, not looked up in PATH),
// returns stdout; stderr's tail goes into the error when the command fails or times out.
struct Captured {
  bool ok = false;
  std::string out;
  std::string error;
};
Captured capture_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

} // namespace vmtest
