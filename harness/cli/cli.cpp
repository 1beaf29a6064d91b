// SPDX-License-Identifier: BSD-2-Clause
#include "cli/cli.h"

#include "cli/command.h"
#include "app/merge.h"
#include "app/paths.h"
#include "cli/version.h"
#include "cli/project_matrix.h"
#include "cli/settings.h"
#include "core/fs.h"
#include "core/result.h"

#include <cstdio>
#include <cstdlib>

#ifndef VMTEST_VERSION
#define VMTEST_VERSION "dev"
#endif

namespace vmtest {

void add_matrix_options(CLI::App* app, MatrixOptions& o) {
  app->add_option("--matrix", o.matrix,
                  "Kernel matrix file (default: vmtest.yaml's kernels.matrix, else the bundled "
                  "one)");
  app->add_option("--lock", o.lock,
                  "Lock file pinning each kernel image (default: matrix.lock.json next to the "
                  "matrix)");
  app->add_option("--cache", o.cache,
                  "Cache directory for kernel images (default: $VMTEST_CACHE or ~/.cache/vmtest)");
  app->add_option("--kernel-dir", o.kernel_dir,
                  "Directory of local kernel images, <row>/bzImage and <row>/config, for rows "
                  "with a `local` source (default: $VMTEST_KERNEL_DIR)");
}

Matrix load_matrix_or_throw(const MatrixOptions& o) {
  auto m = load_matrix(o.matrix, o.lock);
  if (!m) throw FatalError(m.error().str());
  if (!o.rows && !o.defaults) return std::move(*m);
  auto lock = load_lock(o.lock);
  if (!lock) throw FatalError(lock.error().str());
  auto merged = with_project_rows(std::move(*m), o.rows ? &*o.rows : nullptr, o.defaults, *lock,
                                  o.project_origin);
  if (!merged) throw FatalError(merged.error().str());
  return std::move(*merged);
}

std::filesystem::path cache_dir_of(const MatrixOptions& o) {
  return o.cache.empty() ? default_cache_dir() : o.cache;
}

FetchContext make_fetch_context(const MatrixOptions& o, CommandRunner& runner, HttpClient& http,
                                std::function<void(const std::string&)> log) {
  FetchContext ctx;
  ctx.cache_dir = cache_dir_of(o);
  ctx.runner = &runner;
  ctx.http = &http;
  ctx.kernel_dir = o.kernel_dir;
  ctx.log = std::move(log);
  ctx.record_pin = lock_pin_recorder(o.lock);
  return ctx;
}

PinRecorder lock_pin_recorder(const std::filesystem::path& lock) {
  if (lock.empty()) return {};
  return [lock](const std::string& row, const std::string& kind,
                const nlohmann::ordered_json& pin) -> Result<std::string> {
    if (auto w = record_pin_in_lock(lock, row, kind, pin); !w) return w.error();
    return lock.string();
  };
}

std::function<void(const std::string&)> stderr_log() {
  return [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
}

RunResults load_results_or_throw(const std::filesystem::path& path) {
  auto results = read_results(path);
  if (!results) throw FatalError(results.error().str());
  return std::move(*results);
}

int cli_main(int argc, char** argv) {
  CLI::App app{"vmtest: catch eBPF verifier regressions across a matrix of real kernels.\n"
               "Boots each kernel of the matrix in qemu, loads every program of every\n"
               "BPF object, runs BPF_PROG_TEST_RUN, and records verdicts, counts and log tails."};
  app.set_version_flag("--version", [] {
    SubprocessRunner runner;
    // The bpftool `vmtest run` bundles into guests unless told otherwise (--bpftool).
    std::string text = version_text(runner, default_agent_path(), default_bpftool());
    text.pop_back();  // CLI11 adds the final newline
    return text;
  });
  app.require_subcommand(1);
  // Global, and accepted after the subcommand too (`vmtest run --config F`).
  ProjectChoice choice;
  app.add_option("--config", choice.config,
                 "Project file to use instead of the nearest vmtest.yaml above the current "
                 "directory (also $VMTEST_CONFIG)")
      ->check(CLI::ExistingFile);
  app.add_flag("--no-config", choice.none, "Ignore any vmtest.yaml; flags and defaults only");
  app.fallthrough();
  app.footer(
      "Exit codes (run, gate, report, diff): 0 clean; 1 regression (verdict flip, test_run\n"
      "change or missed expectation); 2 error (a kernel without verdicts, an unreadable object\n"
      "or baseline, zero programs verified, bad usage). 1 wins over 2.\n"
      "Settings come from flags, then the nearest vmtest.yaml above the current directory, then\n"
      "defaults; 'vmtest config' shows each one's origin, 'vmtest init' writes a starter file.\n"
      "Run 'vmtest COMMAND --help' for a command's options.");

  // The subcommands, in the order `vmtest --help` lists them.
  using Register = void (*)(CLI::App&, CommandList&);
  static constexpr Register kCommands[] = {
      add_run_command,  add_gate_command,  add_report_command,  add_baseline_command,
      add_diff_command, add_merge_command, add_kernels_command, add_capabilities_command,
      add_boot_command, add_image_command, add_config_command,  add_init_command,
  };
  CommandList commands;
  for (Register add : kCommands)
    add(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    // `vmtest init` writes the file, so a broken one must not stop it.
    const bool init = app.got_subcommand("init");
    if (const char* env = std::getenv("VMTEST_CONFIG"); choice.config.empty() && env && *env)
      choice.config = env;
    auto project = init ? Result<std::optional<ProjectFile>>(std::nullopt) : load_project(choice);
    if (!project) throw FatalError(project.error().str());
    set_current_project(std::move(*project));
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const FatalError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "vmtest: error: %s\n", e.what());
    return 2;
  }
  return 2;
}

} // namespace vmtest
