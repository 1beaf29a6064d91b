// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// A run's output folder holds files that later steps trust by name: `vmtest gate OUT/results.json`,
// an artifact upload of OUT/report.html. When a run reuses a folder and then dies (cancelled,
// SIGKILLed, a full disk) before writing its own, the previous run's files under those names
// would be read as this run's, and an old green would pass a broken change. So before a run
// does anything else, it moves the previous run's outputs out of the trusted names into
// OUT/.previous/ (one generation, replacing the one before: `vmtest diff OUT/.previous/results.json
// OUT/results.json` compares the last two runs).
#include "core/result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace vmtest {

// Everything `vmtest run` writes into OUT (README, "Output"); the lock file is not an output.
inline constexpr const char* kTrustedOutputs[] = {"results.json", "report.html", "kernels", "logs",
                                                  "guest-initramfs.cpio"};
inline constexpr const char* kPreviousOutputsDir = ".previous";

struct RetiredOutputs {
  std::vector<std::string> moved;   // names now under OUT/.previous/
  std::vector<std::string> removed; // names that could not be moved and were deleted instead
};

// Moves OUT's trusted outputs, and `extra` output files (--junit, --markdown, ... wherever they
// are), out of their names. A name that cannot be moved (no room for .previous/, another file
// system) is deleted instead; one that can be neither is an error naming it: the run must not
// start while an old result sits where its own will be looked for.
Result<RetiredOutputs> retire_previous_outputs(const std::filesystem::path& out_dir,
                                               const std::vector<std::filesystem::path>& extra);

} // namespace vmtest
