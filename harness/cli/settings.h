// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// One table of the settings a project file may hold: for each, its vmtest.yaml key, the flag
// that overrides it and the option field both fill. Every command applies it right after
// parsing, so a value from vmtest.yaml lands in the very field (RunArgs, GateArgs,
// MatrixOptions, OutputArgs) its flag fills, and `vmtest config` prints the same table with
// each value's origin.
#include "cli/command.h"
#include "cli/project_file.h"
#include "cli/run_args.h"
#include "cli/verdict_print.h"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace vmtest {

enum class Origin { Default, File, Flag };

struct Setting {
  std::string key;   // vmtest.yaml key, e.g. "thresholds.insns_pct"
  std::string flag;  // the flag that overrides it, e.g. "--insns-pct"; "" when there is none
  std::string value; // as in effect, rendered for people
  Origin origin = Origin::Default;
  std::string source; // "flag --baselines", "/repo/vmtest.yaml: baselines" or "default"
};

// The option structs one command has; a null pointer means the command has no such options.
struct SettingTargets {
  MatrixOptions* matrix = nullptr;
  RunArgs* run = nullptr;
  GateArgs* gate = nullptr;
  OutputArgs* out = nullptr;
};

// Fills each target field from `file` unless its flag was given on `cmd`, then fills the
// defaults that depend on the machine (the bundled matrix, the build tree's corpus, an existing
// bpf/policy.yaml), and returns every setting in effect.
std::vector<Setting> apply_project(const CLI::App& cmd, const ProjectFile* file,
                                   SettingTargets targets);

// The project file of this invocation: chosen by the global --config / --no-config options,
// else the nearest vmtest.yaml above the current directory. cli_main loads it once after
// parsing; commands read it through apply_settings.
struct ProjectChoice {
  std::filesystem::path config; // --config FILE
  bool none = false;            // --no-config
};
Result<std::optional<ProjectFile>> load_project(const ProjectChoice& choice);
void set_current_project(std::optional<ProjectFile> project);
const ProjectFile* current_project();

// apply_project with the invocation's project file.
std::vector<Setting> apply_settings(const CLI::App& cmd, SettingTargets targets);

const char* origin_name(Origin o);

} // namespace vmtest
