// vmtest run: the main job. Runs the matrix, writes results.json, then gates on baselines.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/paths.h"
#include "cli/run_args.h"
#include "core/fs.h"
#include "baseline/diff_table.h"
#include "report/html_report.h"
#include "run/corpus.h"
#include "run/real_stages.h"
#include "run/shard.h"
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

// Debian's bpftool, bundled into every guest for the capability probe.
constexpr const char* kDefaultBpftool = "/usr/sbin/bpftool";

int combine_exit(int a, int b) {
  if (a == 1 || b == 1) return 1;
  if (a == 2 || b == 2) return 2;
  return 0;
}

void add_run_options(CLI::App* cmd, RunArgs& a) {
  add_matrix_options(cmd, a.matrix);
  cmd->add_option("-k,--kernel", a.opts.kernels,
                  "Kernel row: 4.18, 5.10, 5.15, 6.1, 6.6, 6.12 or host (repeatable; default: "
                  "every row whose image source is available here)");
  cmd->add_option("--corpus", a.opts.corpus_dir,
                  "Directory of BPF objects (*.o) (default: the bundled corpus in the build tree)");
  cmd->add_option("--testrun", a.testrun_dir, "Directory of BPF_PROG_TEST_RUN cases")
      ->capture_default_str();
  cmd->add_flag("--no-testrun", a.no_testrun, "Ignore testrun/ cases; use default inputs");
  cmd->add_option("-o,--out", a.opts.out_dir, "Output directory")->capture_default_str();
  cmd->add_option("-j,--jobs", a.opts.jobs, "VMs at once (default: number of cores)");
  cmd->add_option("--timeout", a.timeout_s, "Per-VM timeout in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--log-lines", a.opts.log_tail_lines, "Verifier log lines to keep per program")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("--isolated-loads", a.opts.isolated_loads,
                "Load every program in an object of its own, as veristat does, even when its "
                "object loads whole (slower; the reference the default must match)");
  cmd->add_option("--memory", a.opts.memory_mb, "Guest memory in MiB")->capture_default_str();
  cmd->add_option("--accel", a.opts.accel, "Accelerator: auto, kvm or tcg")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  cmd->add_option("--agent", a.opts.agent, "Path to vmtest-guest (default: next to vmtest)");
  cmd->add_flag("--no-capabilities", a.no_capabilities,
                "Skip `bpftool feature probe kernel` in each guest (saves its boot-time cost)");
  cmd->add_flag("--refresh-capabilities", a.opts.refresh_capabilities,
                "Probe capabilities in every guest even when this kernel build's probe is cached");
  cmd->add_option("--bpftool", a.bpftool,
                  std::string("bpftool to bundle into the guests for the capability probe "
                              "(default: ") + kDefaultBpftool + ")");
  cmd->add_option("--shard", a.shard,
                  "Run share I of N of the corpus objects (e.g. 2/4); combine with `vmtest merge`");
}

void add_gate_options(CLI::App* cmd, GateArgs& g, bool with_no_gate) {
  cmd->add_option("--baselines", g.baselines, "Directory of <kernel>.json baselines")
      ->capture_default_str();
  cmd->add_option("--policy", g.policy,
                  "Policy file: expected failures, thresholds, ignores (default: bpf/policy.yaml)");
  cmd->add_flag("--strict", g.strict, "New or removed programs and missing baselines fail");
  cmd->add_option("--insns-pct", g.thresholds.insns_pct,
                  "Insns change (percent) that warns; both pct and abs must be exceeded")
      ->capture_default_str();
  cmd->add_option("--insns-abs", g.thresholds.insns_abs, "Insns change (absolute) that warns")
      ->capture_default_str();
  cmd->add_option("--states-pct", g.thresholds.states_pct, "States change (percent) that warns")
      ->capture_default_str();
  cmd->add_option("--states-abs", g.thresholds.states_abs, "States change (absolute) that warns")
      ->capture_default_str();
  cmd->add_flag("--fail-on-stats", g.thresholds.fail_on_stats,
                "Stats moves beyond the thresholds fail instead of warning");
  if (with_no_gate)
    cmd->add_flag("--no-gate", g.no_gate, "Only record results; do not diff against baselines");
}

GateOptions resolve_gate(const GateArgs& g) {
  GateOptions o;
  o.baselines_dir = project_path(g.baselines);
  if (!g.policy.empty()) {
    o.policy = g.policy;
  } else {
    fs::path def = project_path("bpf/policy.yaml");
    std::error_code ec;
    if (fs::exists(def, ec)) o.policy = def;
  }
  o.strict = g.strict;
  o.thresholds = g.thresholds;
  return o;
}

namespace {

// The capability probe is on by default, but a host without bpftool only gets a note: the
// verdicts do not depend on it. An explicit --bpftool that does not exist is a usage error.
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

}  // namespace

RunOutcome execute_run(RunArgs& a) {
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
  if (!a.shard.empty()) {
    auto shard = parse_shard(a.shard);
    if (!shard) throw FatalError(shard.error().str());
    *corpus = select_shard(*corpus, *shard);
  }

  auto progress = make_progress(stderr);
  progress->note("corpus: " + std::to_string(corpus->size()) + " objects from " +
                 a.opts.corpus_dir.string());
  a.opts.bpftool = choose_bpftool(a, *progress);
  a.opts.capabilities_cache = cache_dir_of(a.matrix) / "capabilities";
  RealStages stages(cache_dir_of(a.matrix), *progress);
  Controller controller(matrix, stages, *progress);
  RunOutcome outcome = controller.run(a.opts, *corpus);
  progress->finish();

  outcome.results.toolchain = {VMTEST_BPF_CLANG_VERSION, LIBBPF_HOST_VERSION, VMTEST_VERSION};
  fs::path results = a.opts.out_dir / "results.json";
  auto w = write_file_atomic(results, nlohmann::json(outcome.results).dump(2) + "\n");
  if (!w) throw FatalError("cannot write results: " + w.error().str());
  std::fprintf(stderr, "vmtest: wrote %s\n", results.c_str());
  return outcome;
}

namespace {

// The report is for humans; failing to write it must not hide the run's verdict.
void write_report(const RunResults& results, const std::vector<DiffReport>& diffs,
                  const fs::path& out_dir) {
  const fs::path report = out_dir / "report.html";
  if (auto r = write_html_report(results, diffs, report); r)
    std::fprintf(stderr, "vmtest: wrote %s\n", report.c_str());
  else
    std::fprintf(stderr, "vmtest: warning: no HTML report: %s\n", r.error().str().c_str());
}

struct RunCommandArgs {
  RunArgs run;
  GateArgs gate;
  CLI::Option* baselines_opt = nullptr;
};

int do_run(RunCommandArgs& a) {
  // The bundled baselines describe the bundled corpus; gating another corpus against them
  // would only report every program as new or removed.
  bool own_corpus = !a.run.opts.corpus_dir.empty();
  bool baselines_given = a.baselines_opt && a.baselines_opt->count() > 0;
  RunOutcome outcome = execute_run(a.run);
  const fs::path& out_dir = a.run.opts.out_dir;
  if (a.gate.no_gate) {
    write_report(outcome.results, {}, out_dir);
    return outcome.exit_code;
  }
  if (own_corpus && !baselines_given) {
    std::fprintf(stderr,
                 "vmtest: not gating: --corpus was given without --baselines (record some with "
                 "`vmtest baseline update --corpus DIR --baselines DIR2`)\n");
    write_report(outcome.results, {}, out_dir);
    return outcome.exit_code;
  }
  auto gate = gate_run(outcome.results, resolve_gate(a.gate));
  if (!gate) {
    std::fprintf(stderr, "vmtest: error: %s\n", gate.error().str().c_str());
    write_report(outcome.results, {}, out_dir);
    return 2;
  }
  write_report(outcome.results, gate->reports, out_dir);
  bool color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  std::fputs(render_diff_tables(gate->reports, color).c_str(), stdout);
  for (const auto& n : gate->notes) std::fprintf(stderr, "vmtest: %s\n", n.c_str());
  int rc = combine_exit(outcome.exit_code, gate->exit_code);
  std::fprintf(stderr, "vmtest: %s\n",
               rc == 0   ? "clean: no verifier regressions"
               : rc == 1 ? "FAIL: verifier acceptance or test outcome changed (see above)"
                         : "ERROR: infrastructure or input problem (see above)");
  return rc;
}

}  // namespace

void add_run_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<RunCommandArgs>();
  auto* cmd = app.add_subcommand(
      "run", "Run the corpus on the kernel matrix, write results.json and gate on baselines");
  add_run_options(cmd, a->run);
  add_gate_options(cmd, a->gate, true);
  a->baselines_opt = cmd->get_option("--baselines");
  out.push_back({cmd, [a] { return do_run(*a); }});
}

}  // namespace vmtest
