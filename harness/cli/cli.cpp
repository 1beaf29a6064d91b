#include "cli/cli.h"

#include <cstdio>

#include "cli/command.h"
#include "cli/paths.h"
#include "cli/version.h"
#include "core/fs.h"
#include "core/result.h"

namespace vmtest {

void add_matrix_options(CLI::App* app, MatrixOptions& o) {
  app->add_option("--matrix", o.matrix, "Kernel matrix file")->capture_default_str();
  app->add_option("--lock", o.lock, "Lock file pinning each kernel image")->capture_default_str();
  app->add_option("--cache", o.cache,
                  "Cache directory for kernel images (default: $VMTEST_CACHE or ~/.cache/vmtest)");
}

Matrix load_matrix_or_throw(const MatrixOptions& o) {
  auto m = load_matrix(project_path(o.matrix), project_path(o.lock));
  if (!m) throw FatalError(m.error().str());
  return std::move(*m);
}

std::filesystem::path cache_dir_of(const MatrixOptions& o) {
  return o.cache.empty() ? default_cache_dir() : o.cache;
}

RunResults load_results_or_throw(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) throw FatalError(text.error().str());
  try {
    return nlohmann::json::parse(*text).get<RunResults>();
  } catch (const std::exception& e) {
    throw FatalError(path.string() + ": not a vmtest results file: " + e.what());
  }
}

int cli_main(int argc, char** argv) {
  CLI::App app{"vmtest: catch eBPF verifier regressions across a matrix of real kernels.\n"
               "Boots each kernel of kernels/matrix.yaml in qemu, loads every program of every\n"
               "BPF object, runs BPF_PROG_TEST_RUN, and records verdicts, counts and log tails."};
  app.set_version_flag("--version", [] {
    SubprocessRunner runner;
    // The bpftool `vmtest run` bundles into guests unless told otherwise (--bpftool).
    std::string text = version_text(runner, default_agent_path(), "/usr/sbin/bpftool");
    text.pop_back();  // CLI11 adds the final newline
    return text;
  });
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 clean, 1 regression or failed test case, 2 infrastructure or usage error.\n"
      "Run 'vmtest COMMAND --help' for a command's options.");

  CommandList commands;
  add_run_command(app, commands);
  add_capabilities_command(app, commands);
  add_merge_command(app, commands);
  add_boot_command(app, commands);
  add_image_command(app, commands);
  add_baseline_command(app, commands);
  add_diff_command(app, commands);
  add_kernels_command(app, commands);
  add_report_command(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const FatalError& e) {
    std::fprintf(stderr, "vmtest: error: %s\n", e.what());
    return 2;
  }
  return 2;
}

}  // namespace vmtest
