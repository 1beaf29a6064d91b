// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// bpf/baselines/<kernel>.json: what one kernel build said about every program, kept in git.
// The file is deterministic so that re-recording an unchanged run gives a byte-identical file
// and review diffs show only real changes: keys are sorted, objects and programs are sorted by
// name, there are no timestamps or timings, and log tails are normalised. A baseline that
// cannot be read (bad JSON, a missing field, an unknown format_version) is an error that
// names the file; it never passes as "no baseline".
#include "core/result.h"
#include "results/results.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

inline constexpr int kBaselineFormatVersion = 1;

struct BaselineTestRun {
  TestRunStatus status = TestRunStatus::Skipped;
  std::optional<uint32_t> retval;
  std::string data_out_sha256; // empty unless status is "ok"
  bool operator==(const BaselineTestRun&) const = default;
};

struct BaselineProgram {
  Verdict verdict = Verdict::Rejected;
  int err = 0;
  Metrics metrics; // only the metrics the table marks `baselined`; a missing key reads as unset
  std::vector<std::string> log_tail; // normalised
  BaselineTestRun test_run;
  // Processed insns per source line (top lines), kept only from runs that recorded them for
  // every program (`--line-costs`), so `vmtest diff` and the report can say which line grew.
  std::vector<LineCost> line_costs;
  bool operator==(const BaselineProgram&) const = default;
};

struct BaselineObject {
  std::string sha256;
  std::string error;                               // the object could not be opened
  std::map<std::string, BaselineProgram> programs; // by program name
  bool operator==(const BaselineObject&) const = default;
};

struct BaselineKernel {
  std::string name;    // matrix row
  std::string release; // uname -r
  std::string image;
  std::string image_sha256;
  // Which of the row's sources it was recorded on (absent in baselines older than that), so
  // a run from another source is named as a different build, not silently compared.
  KernelSourceInfo source;
  bool operator==(const BaselineKernel&) const = default;
};

struct BaselineCompiler {
  std::string clang;
  std::string libbpf;
  bool operator==(const BaselineCompiler&) const = default;
};

struct Baseline {
  int format_version = kBaselineFormatVersion;
  BaselineKernel kernel;
  BaselineCompiler compiler;
  // The kernel's probed capabilities, flattened to "category/feature" -> value, without the
  // per-program-type helper table (it is large and the `helper` category already names every
  // helper). Empty when the run had no probe; changes are reported as INFO, never gated.
  std::map<std::string, std::string> capabilities;
  std::map<std::string, BaselineObject> objects; // by object file name
  bool operator==(const Baseline&) const = default;
};

// The compact, diffable form of a bpftool probe that baselines keep (see Baseline).
std::map<std::string, std::string> baseline_capabilities(const nlohmann::json& probe);

// The baseline view of one program's current result (normalised tail, hashed data_out).
BaselineProgram baseline_program(const ProgramResult& p);
Baseline baseline_from_kernel_result(const KernelResult& kernel, const Toolchain& toolchain);

// Pretty JSON, sorted keys, trailing newline.
std::string serialise_baseline(const Baseline& baseline);
// `origin` (usually the path) names the file in every error.
Result<Baseline> parse_baseline(std::string_view text, std::string_view origin);

Result<Baseline> load_baseline(const std::filesystem::path& path);
// Atomic: temp file + rename.
Result<void> save_baseline(const std::filesystem::path& path, const Baseline& baseline);
// bpf/baselines/<kernel>.json under `dir`.
std::filesystem::path baseline_path(const std::filesystem::path& dir, std::string_view kernel);

} // namespace vmtest
