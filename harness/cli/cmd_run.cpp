// vmtest run: the main job.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/paths.h"
#include "core/fs.h"
#include "run/controller.h"
#include "run/corpus.h"
#include "run/real_stages.h"
#include "testrun/testrun_file.h"

namespace vmtest {
namespace fs = std::filesystem;

#ifndef VMTEST_VERSION
#define VMTEST_VERSION "dev"
#endif
#ifndef VMTEST_BPF_CLANG_VERSION
#define VMTEST_BPF_CLANG_VERSION "unknown"
#endif
#ifndef LIBBPF_HOST_VERSION
#define LIBBPF_HOST_VERSION "unknown"
#endif

namespace {

struct RunArgs {
  MatrixOptions matrix;
  RunOptions opts;
  fs::path testrun_dir = "testrun";
  bool no_testrun = false;
  int timeout_s = 180;
  bool no_capabilities = false;
  fs::path bpftool;  // empty: the default below
};

// Debian's bpftool; the capability probe is on by default but never worth failing a run for
// when the host simply lacks it.
constexpr const char* kDefaultBpftool = "/usr/sbin/bpftool";

fs::path choose_bpftool(const RunArgs& a, Progress& progress) {
  if (a.no_capabilities) return {};
  std::error_code ec;
  if (!a.bpftool.empty()) {
    if (!fs::exists(a.bpftool, ec)) throw FatalError("bpftool not found at " + a.bpftool.string());
    return a.bpftool;
  }
  if (fs::exists(kDefaultBpftool, ec)) return kDefaultBpftool;
  progress.note(std::string("no bpftool at ") + kDefaultBpftool +
                ": kernel capabilities are not probed (install bpftool, or pass "
                "--no-capabilities)");
  return {};
}

int do_run(RunArgs& a) {
  Matrix matrix = load_matrix_or_throw(a.matrix);
  a.opts.timeout = std::chrono::seconds(a.timeout_s);
  if (a.opts.corpus_dir.empty()) a.opts.corpus_dir = default_corpus_dir();
  if (a.opts.agent.empty()) a.opts.agent = default_agent_path();
  std::error_code ec;
  if (!fs::exists(a.opts.agent, ec))
    throw FatalError("guest agent not found at " + a.opts.agent.string() +
                     " (build vmtest-guest or set VMTEST_GUEST)");

  fs::path testrun = project_path(a.testrun_dir);
  CaseLoader cases;
  if (!a.no_testrun)
    cases = [testrun](const std::string& stem) { return load_testrun_dir(testrun, stem); };
  auto corpus = discover_corpus(a.opts.corpus_dir, cases);
  if (!corpus) throw FatalError(corpus.error().str());

  auto progress = make_progress(stderr);
  progress->note("corpus: " + std::to_string(corpus->size()) + " objects from " +
                 a.opts.corpus_dir.string());
  a.opts.bpftool = choose_bpftool(a, *progress);
  RealStages stages(cache_dir_of(a.matrix), *progress);
  Controller controller(matrix, stages, *progress);
  RunOutcome outcome = controller.run(a.opts, *corpus);
  progress->finish();

  outcome.results.toolchain = {VMTEST_BPF_CLANG_VERSION, LIBBPF_HOST_VERSION, VMTEST_VERSION};
  fs::path results = a.opts.out_dir / "results.json";
  auto w = write_file_atomic(results, nlohmann::json(outcome.results).dump(2) + "\n");
  if (!w) {
    std::fprintf(stderr, "vmtest: cannot write results: %s\n", w.error().str().c_str());
    return 2;
  }
  std::fprintf(stderr, "vmtest: wrote %s\n", results.c_str());
  return outcome.exit_code;
}

}  // namespace

void add_run_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run the corpus on the kernel matrix and write results.json");
  add_matrix_options(cmd, a->matrix);
  cmd->add_option("-k,--kernel", a->opts.kernels,
                  "Kernel row: 4.18, 5.10, 5.15, 6.1, 6.6, 6.12 or host (repeatable; default: "
                  "every row whose image source is available here)");
  cmd->add_option("--corpus", a->opts.corpus_dir,
                  "Directory of BPF objects (*.o) (default: the bundled corpus in the build tree)");
  cmd->add_option("--testrun", a->testrun_dir, "Directory of BPF_PROG_TEST_RUN cases")
      ->capture_default_str();
  cmd->add_flag("--no-testrun", a->no_testrun, "Ignore testrun/ cases; use default inputs");
  cmd->add_option("-o,--out", a->opts.out_dir, "Output directory")->capture_default_str();
  cmd->add_option("-j,--jobs", a->opts.jobs, "VMs at once (default: number of cores)");
  cmd->add_option("--timeout", a->timeout_s, "Per-VM timeout in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--log-lines", a->opts.log_tail_lines, "Verifier log lines to keep per program")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--memory", a->opts.memory_mb, "Guest memory in MiB")->capture_default_str();
  cmd->add_option("--accel", a->opts.accel, "Accelerator: auto, kvm or tcg")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  cmd->add_option("--agent", a->opts.agent, "Path to vmtest-guest (default: next to vmtest)");
  cmd->add_flag("--no-capabilities", a->no_capabilities,
                "Skip `bpftool feature probe kernel` in each guest (saves its boot-time cost)");
  cmd->add_option("--bpftool", a->bpftool,
                  std::string("bpftool to bundle into the guests for the capability probe "
                              "(default: ") + kDefaultBpftool + ")");
  out.push_back({cmd, [a] { return do_run(*a); }});
}

}  // namespace vmtest
