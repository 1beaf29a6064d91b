// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// What the guests need of the baselines to pick the programs whose full log is worth keeping
// (results/full_log_selection.h): each program's recorded verdict and gated metrics, per row.
// Read on the host and carried in the manifest, because the baselines never enter a guest.
#include "baseline/baseline_file.h"
#include "baseline/policy.h"
#include "results/manifest.h"

#include <filesystem>
#include <map>
#include <string>

namespace vmtest {

// "object/program" -> expectation, for one baseline.
std::map<std::string, ProgramExpectation> expectations_of(const Baseline& baseline);

// Every readable <row>.json under `dir`, keyed by the row the file says it records. A file that
// cannot be read is left out: the gate reports it after the run, and without it only rejections
// and headroom select programs on that row.
std::map<std::string, std::map<std::string, ProgramExpectation>>
expectations_from_dir(const std::filesystem::path& dir);

// The gate's change thresholds, as the guest applies them.
ChangeThresholds change_thresholds(const Thresholds& t);

} // namespace vmtest
