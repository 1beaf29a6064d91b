// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself here: it declares its
// options on a CLI11 subcommand and returns the function that runs it.
#include "kernel/kernel_source.h"
#include "cli/project_file.h"
#include "kernel/matrix.h"
#include "results/results.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace vmtest {

struct Subcommand {
  CLI::App* app;
  std::function<int()> run; // returns the process exit code
};
using CommandList = std::vector<Subcommand>;

// Options shared by every subcommand that touches the kernel matrix. cli/settings.h fills the
// empty ones from vmtest.yaml and the defaults before a command runs.
struct MatrixOptions {
  std::filesystem::path matrix;    // empty: the bundled matrix (share/vmtest/kernels/matrix.yaml)
  std::filesystem::path lock;      // empty: matrix.lock.json next to the matrix
  std::filesystem::path cache;     // empty: default_cache_dir()
  // Local kernel images (<row>/bzImage + <row>/config); empty: $VMTEST_KERNEL_DIR.
  std::filesystem::path kernel_dir;
  std::optional<ProjectRows> rows; // vmtest.yaml kernels.rows
  std::optional<std::vector<std::string>> defaults; // vmtest.yaml kernels.defaults
  std::string project_origin;                       // the vmtest.yaml they came from
};
void add_matrix_options(CLI::App* app, MatrixOptions& o);
Matrix load_matrix_or_throw(const MatrixOptions& o);
std::filesystem::path cache_dir_of(const MatrixOptions& o);
// What the kernel sources need from these options; `log` may be empty.
FetchContext make_fetch_context(const MatrixOptions& o, CommandRunner& runner, HttpClient& http,
                                std::function<void(const std::string&)> log);
// Saves pins measured during a fetch (first oci pull, canary rows) into `lock`; empty: none.
PinRecorder lock_pin_recorder(const std::filesystem::path& lock);
// Progress lines of kernel fetches, one per line on stderr.
std::function<void(const std::string&)> stderr_log();
// Reads a results.json; a missing or malformed file is a FatalError naming it.
RunResults load_results_or_throw(const std::filesystem::path& path);

void add_run_command(CLI::App& app, CommandList& out);
void add_capabilities_command(CLI::App& app, CommandList& out);
void add_merge_command(CLI::App& app, CommandList& out);
void add_boot_command(CLI::App& app, CommandList& out);
void add_image_command(CLI::App& app, CommandList& out);
void add_baseline_command(CLI::App& app, CommandList& out);
void add_diff_command(CLI::App& app, CommandList& out);
void add_kernels_command(CLI::App& app, CommandList& out);
void add_report_command(CLI::App& app, CommandList& out);
void add_gate_command(CLI::App& app, CommandList& out);
void add_config_command(CLI::App& app, CommandList& out);
void add_init_command(CLI::App& app, CommandList& out);

} // namespace vmtest
