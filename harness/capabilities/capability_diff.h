// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Capability changes between a baseline run and the current one, as INFO lines: a kernel
// rebuild that gains or drops a helper or map type is worth knowing about, but it is the
// verdicts that gate, not the probe.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vmtest {

struct CapabilityChange {
  std::string category; // see capability_matrix.h
  std::string feature;
  std::string before; // "?" when the baseline did not have the feature at all
  std::string after;
};

// Every (category, feature) whose value differs. Empty when either side was not probed:
// "not probed" is not a capability change.
std::vector<CapabilityChange> diff_capabilities(const nlohmann::json& baseline,
                                                const nlohmann::json& current);

// "INFO 6.1: capability helper bpf_loop: no -> yes". Per-program-type helper changes are
// summarised per helper ("prog_helper bpf_loop: gained for 12 program types (xdp, ...)") so a
// kernel that gains a helper everywhere yields a line or two, not dozens.
std::vector<std::string> capability_info_lines(const std::string& kernel,
                                               const nlohmann::json& baseline,
                                               const nlohmann::json& current);

} // namespace vmtest
