#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/paths.h"
#include "core/fs.h"
#include "core/result.h"
#include "kernel/matrix.h"
#include "run/controller.h"
#include "run/corpus.h"
#include "run/real_stages.h"
#include "testrun/testrun_file.h"

namespace vmtest {
namespace fs = std::filesystem;

namespace {

#ifndef VMTEST_VERSION
#define VMTEST_VERSION "dev"
#endif
#ifndef VMTEST_BPF_CLANG_VERSION
#define VMTEST_BPF_CLANG_VERSION "unknown"
#endif

// Options shared by every subcommand that touches kernels.
struct CommonOptions {
  fs::path matrix = "kernels/matrix.yaml";
  fs::path lock = "kernels/matrix.lock.json";
  fs::path cache;
};

void add_common(CLI::App* app, CommonOptions& c) {
  app->add_option("--matrix", c.matrix, "Kernel matrix file")->capture_default_str();
  app->add_option("--lock", c.lock, "Lock file pinning each kernel image")->capture_default_str();
  app->add_option("--cache", c.cache,
                  "Cache directory for kernel images (default: $VMTEST_CACHE or ~/.cache/vmtest)");
}

Matrix load_matrix_or_throw(const CommonOptions& c) {
  auto m = load_matrix(project_path(c.matrix), project_path(c.lock));
  if (!m) throw FatalError(m.error().str());
  return std::move(*m);
}

struct RunCommand {
  CommonOptions common;
  RunOptions opts;
  fs::path testrun_dir = "testrun";
  bool no_testrun = false;
};

int do_run(RunCommand& cmd) {
  Matrix matrix = load_matrix_or_throw(cmd.common);
  fs::path cache = cmd.common.cache.empty() ? default_cache_dir() : cmd.common.cache;
  if (cmd.opts.corpus_dir.empty()) cmd.opts.corpus_dir = default_corpus_dir();
  if (cmd.opts.agent.empty()) cmd.opts.agent = default_agent_path();
  std::error_code ec;
  if (!fs::exists(cmd.opts.agent, ec))
    throw FatalError("guest agent not found at " + cmd.opts.agent.string() +
                     " (build vmtest-guest or set VMTEST_GUEST)");

  fs::path testrun = project_path(cmd.testrun_dir);
  CaseLoader cases;
  if (!cmd.no_testrun)
    cases = [testrun](const std::string& stem) { return load_testrun_dir(testrun, stem); };
  auto corpus = discover_corpus(cmd.opts.corpus_dir, cases);
  if (!corpus) throw FatalError(corpus.error().str());

  auto progress = make_progress(stderr);
  progress->note("corpus: " + std::to_string(corpus->size()) + " objects from " +
                 cmd.opts.corpus_dir.string());
  RealStages stages(cache, *progress);
  Controller controller(matrix, stages, *progress);
  RunOutcome outcome = controller.run(cmd.opts, *corpus);
  progress->finish();

  outcome.results.toolchain = {VMTEST_BPF_CLANG_VERSION, LIBBPF_HOST_VERSION, VMTEST_VERSION};
  fs::path results = cmd.opts.out_dir / "results.json";
  auto w = write_file_atomic(results, nlohmann::json(outcome.results).dump(2) + "\n");
  if (!w) {
    std::fprintf(stderr, "vmtest: cannot write results: %s\n", w.error().str().c_str());
    return 2;
  }
  std::fprintf(stderr, "vmtest: wrote %s\n", results.c_str());
  return outcome.exit_code;
}

}  // namespace

int cli_main(int argc, char** argv) {
  CLI::App app{"vmtest: catch eBPF verifier regressions across a matrix of real kernels.\n"
               "Boots each kernel of kernels/matrix.yaml in qemu, loads every program of every\n"
               "BPF object, runs BPF_PROG_TEST_RUN, and records verdicts, counts and log tails."};
  app.set_version_flag("--version", VMTEST_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 clean, 1 regression or failed test case, 2 infrastructure or usage error.");

  RunCommand run;
  auto* run_cmd = app.add_subcommand("run", "Run the corpus on the kernel matrix and write results.json");
  add_common(run_cmd, run.common);
  run_cmd->add_option("-k,--kernel", run.opts.kernels,
                      "Kernel row to run: 4.18, 5.10, 5.15, 6.1, 6.6, 6.12 or host (repeatable; "
                      "default: every row whose image source is available)");
  run_cmd->add_option("--corpus", run.opts.corpus_dir,
                      "Directory of BPF objects (*.o) (default: the bundled corpus in the build tree)");
  run_cmd->add_option("--testrun", run.testrun_dir, "Directory of BPF_PROG_TEST_RUN cases")
      ->capture_default_str();
  run_cmd->add_flag("--no-testrun", run.no_testrun, "Ignore testrun/ cases; use default inputs");
  run_cmd->add_option("-o,--out", run.opts.out_dir, "Output directory")->capture_default_str();
  run_cmd->add_option("-j,--jobs", run.opts.jobs, "VMs at once (default: number of cores)");
  run_cmd->add_option("--timeout", run.opts.timeout, "Per-VM timeout in seconds")
      ->capture_default_str();
  run_cmd->add_option("--log-lines", run.opts.log_tail_lines, "Verifier log lines to keep")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  run_cmd->add_option("--memory", run.opts.memory_mb, "Guest memory in MiB")->capture_default_str();
  run_cmd->add_option("--accel", run.opts.accel, "Accelerator: auto, kvm or tcg")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  run_cmd->add_option("--agent", run.opts.agent, "Path to vmtest-guest (default: next to vmtest)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (run_cmd->parsed()) return do_run(run);
  } catch (const FatalError& e) {
    std::fprintf(stderr, "vmtest: error: %s\n", e.what());
    return 2;
  }
  return 2;
}

}  // namespace vmtest
