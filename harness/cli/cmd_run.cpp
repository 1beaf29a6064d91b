// SPDX-License-Identifier: BSD-2-Clause
// vmtest run: the main job. Runs the matrix, writes results.json, then gates on baselines.
#include "agent/program_loader.h"
#include "baseline/expectations.h"
#include "cli/paths.h"
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_output.h"
#include "core/cancel.h"
#include "core/fs.h"
#include "results/byte_text.h"
#include "run/corpus.h"
#include "run/previous_outputs.h"
#include "run/real_stages.h"
#include "run/shard.h"
#include "testrun/testrun_file.h"

#include <algorithm>
#include <cstdio>
#include <memory>

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


void add_run_options(CLI::App* cmd, RunArgs& a) {
  add_matrix_options(cmd, a.matrix);
  cmd->add_option("-k,--kernel", a.opts.kernels,
                  "Kernel row: 4.18 (RHEL 8.10), 4.18-rhel8.1, 5.10, 5.15, 6.1, 6.6, 6.12, "
                  "6.12-latest (canary), 6.1-arm64, 6.12-arm64 or host (`vmtest config` lists "
                  "a project's rows; repeatable; default: "
                  "the matrix's defaults, skipping rows no source of which is available here)");
  cmd->add_option("--corpus", a.corpus,
                  "Folder or file of BPF objects (repeatable). Folders are searched recursively "
                  "for ELF files whose machine is BPF, whatever their name (default: "
                  "vmtest.yaml's corpus, else the corpus built with vmtest in its build tree)");
  cmd->add_option("--testrun", a.testrun_dir,
                  "Directory of BPF_PROG_TEST_RUN cases (<object stem>.yaml)")
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
                  "bpftool to bundle into the guests for the capability probe (default: the "
                  "release tarball's libexec/vmtest/bpftool, else /usr/sbin/bpftool)");
  cmd->add_option("--shard", a.shard,
                  "Run share I of N of the corpus objects (e.g. 2/4); combine with `vmtest merge`");
  cmd->add_option("--full-log-level", a.opts.full_logs.level,
                  "Log level of the full verifier logs kept under OUT/logs for programs that "
                  "fail, change or come close to a limit: 1 (rejections at level 1, accepted "
                  "programs at 2, the only level that shows a verified path), or 2 for all")
      ->capture_default_str()
      ->check(CLI::IsMember({1, 2}));
  cmd->add_option("--full-log-cap", a.full_log_cap_mib,
                  "Largest full log file in MiB; a longer log keeps its end and results.json "
                  "says it was cut")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--full-logs-all", a.opts.full_logs.all,
                "Keep every program's full verifier log, not only the ones that need it");
  cmd->add_flag("--line-costs", a.opts.full_logs.line_costs_all,
                "Record every program's processed insns per source line (one more load per "
                "accepted program); `baseline update --line-costs` keeps them in the baselines "
                "so growth can be traced to source lines");
  cmd->add_flag("--boot-empty", a.boot_empty,
                "Boot the kernels even when the corpus holds no objects (measures vmtest's own "
                "round trip; the verdict still reports the empty corpus)");
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
  const fs::path bundled = default_bpftool();
  if (fs::exists(bundled, ec)) return bundled;
  progress.note("no bpftool at " + bundled.string() +
                ": kernel capabilities are not probed (install bpftool, or pass "
                "--no-capabilities)");
  return {};
}

// Rows of another architecture than the host's (arm64 rows on x86) boot their own builds of
// the agent and bpftool. A missing agent is the rows' error (the controller says so); a
// missing bpftool only skips their capability probe, with a note.
void choose_foreign_builds(const Matrix& matrix, RunArgs& a, Progress& progress) {
  std::vector<std::string> names = a.opts.kernels;
  if (names.empty()) names = matrix.defaults;
  for (const auto& n : names) {
    const KernelRow* row = matrix.find(n);
    if (!row || row->arch == host_arch() || a.opts.foreign_agents.count(row->arch)) continue;
    std::error_code ec;
    const fs::path agent = default_agent_path(row->arch);
    if (fs::exists(agent, ec)) a.opts.foreign_agents[row->arch] = agent;
    if (a.no_capabilities) continue;
    const fs::path bpftool = default_bpftool_path(row->arch);
    if (fs::exists(bpftool, ec))
      a.opts.foreign_bpftools[row->arch] = bpftool;
    else
      progress.note("no " + std::string(to_string(row->arch)) + " bpftool at " +
                    bpftool.string() + ": " + std::string(to_string(row->arch)) +
                    " kernels' capabilities are not probed (scripts/install-deps.sh unpacks "
                    "one from Debian's bpftool:" + std::string(debian_arch(row->arch)) + ")");
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Programs per object as libbpf lists them on the host (nothing is loaded), so the run can say
// what it found before any guest boots. An object with presets is verified once per preset.
int64_t count_programs(const std::vector<CorpusObject>& objects) {
  int64_t n = 0;
  for (const auto& o : objects)
    if (o.error.empty())
      n += static_cast<int64_t>(list_programs(o.path.string()).programs.size() *
                                std::max<size_t>(1, o.presets.size()));
  return n;
}

} // namespace

RunOutcome execute_run(RunArgs& a) {
  Matrix matrix = load_matrix_or_throw(a.matrix);
  a.opts.timeout = std::chrono::seconds(a.timeout_s);
  a.opts.full_logs.cap_bytes = static_cast<uint64_t>(a.full_log_cap_mib) << 20;
  const bool bundled = a.corpus_bundled;
  if (a.corpus.empty())
    throw FatalError("no corpus: pass --corpus DIR, or name it in vmtest.yaml (`vmtest init` "
                     "writes a starter file)");
  if (a.opts.agent.empty()) a.opts.agent = default_agent_path();
  std::error_code ec;
  if (!fs::exists(a.opts.agent, ec))
    throw FatalError("guest agent not found at " + a.opts.agent.string() +
                     " (build vmtest-guest or set VMTEST_GUEST)");

  const fs::path testrun = a.testrun_dir;
  CaseLoader cases;
  // testrun/<path>/<stem>.yaml for an object found in a subfolder, else testrun/<stem>.yaml: a
  // build tree's layout should not force the same layout on the cases.
  // --no-testrun drops the cases only: presets are how the object is loaded, not test input.
  cases = [testrun, no_cases = a.no_testrun](const std::string& stem) -> Result<TestrunSpec> {
    auto found = load_testrun_spec_dir(testrun, stem);
    const size_t slash = stem.rfind('/');
    if (found && found->empty() && slash != std::string::npos)
      found = load_testrun_spec_dir(testrun, stem.substr(slash + 1));
    if (found && no_cases) found->cases.clear();
    return found;
  };
  auto corpus = discover_corpus(a.corpus, cases);
  if (!corpus) throw FatalError(corpus.error().str());
  CorpusInfo info;
  info.roots = corpus->roots;
  info.total_objects = static_cast<int64_t>(corpus->objects.size());
  info.files_scanned = corpus->files_scanned;
  info.bundled = bundled;
  std::vector<CorpusObject> objects = corpus->objects;
  if (!a.shard.empty()) {
    auto shard = parse_shard(a.shard);
    if (!shard) throw FatalError(shard.error().str());
    objects = select_shard(objects, *shard);
    info.shard = a.shard;
  }
  info.objects = static_cast<int64_t>(objects.size());
  info.programs = count_programs(objects);

  auto progress = make_progress(stderr);
  progress->note(
      "corpus: " + std::to_string(info.objects) + " objects with " + std::to_string(info.programs) +
      " programs" +
      (info.objects == info.total_objects
           ? ""
           : " (shard " + info.shard + " of " + std::to_string(info.total_objects) + " objects)") +
      " found under " + join(info.roots) + " (" + std::to_string(info.files_scanned) +
      " files searched)");
  for (const auto& n : corpus->notes)
    progress->note("corpus: " + n);
  a.opts.bpftool = choose_bpftool(a, *progress);
  choose_foreign_builds(matrix, a, *progress);
  a.opts.capabilities_cache = cache_dir_of(a.matrix) / "capabilities";

  RunOutcome outcome;
  if (objects.empty() && !a.boot_empty) {
    // Nothing to verify: booting kernels would only cost time. The gate says why this is an
    // error (or, for an empty shard of a non-empty corpus, only a note).
    const std::string why = info.total_objects == 0 ? "not booted: the corpus holds no BPF objects"
                                                    : "not booted: this shard holds no objects";
    std::vector<std::string> names = a.opts.kernels;
    if (names.empty()) names = matrix.defaults;
    for (const auto& n : names) {
      KernelResult k;
      k.name = n;
      k.status = KernelStatus::Skipped;
      k.error = why;
      outcome.results.kernels.push_back(std::move(k));
    }
    if (!a.opts.kernels.empty()) outcome.results.selected = a.opts.kernels;
  } else {
    RealStages stages(cache_dir_of(a.matrix), a.matrix.kernel_dir, *progress);
    stages.set_pin_recorder(lock_pin_recorder(a.matrix.lock));
    Controller controller(matrix, stages, *progress);
    outcome = controller.run(a.opts, objects);
  }
  progress->finish();

  outcome.results.toolchain = {VMTEST_BPF_CLANG_VERSION, LIBBPF_HOST_VERSION, VMTEST_VERSION};
  outcome.results.corpus = info;
  fs::path results = a.opts.out_dir / "results.json";
  auto w = write_file_atomic(results, dump_json(nlohmann::json(outcome.results), 2) + "\n");
  if (!w) throw FatalError("cannot write results: " + w.error().str());
  std::fprintf(stderr, "vmtest: wrote %s\n", results.c_str());
  return outcome;
}

FileLock lock_out_dir(const fs::path& out_dir) {
  auto lock = FileLock::try_acquire(out_dir / ".vmtest.lock", "output folder " + out_dir.string());
  if (!lock) throw FatalError(lock.error().what + "; pass another --out to run both");
  return std::move(*lock);
}

FileLock claim_out_dir(const fs::path& out_dir, const std::vector<fs::path>& extra_outputs) {
  FileLock lock = lock_out_dir(out_dir);
  // Before anything else: a run that then fails (a signal, a full disk, a usage error) leaves
  // no results rather than the older run's.
  auto retired = retire_previous_outputs(out_dir, extra_outputs);
  if (!retired) throw FatalError(retired.error().str());
  if (!retired->moved.empty())
    std::fprintf(stderr, "vmtest: the previous run's outputs are now in %s\n",
                 (out_dir / kPreviousOutputsDir).c_str());
  install_cancel_on_signals();
  return lock;
}

namespace {

struct RunCommandArgs {
  RunArgs run;
  GateArgs gate;
  OutputArgs out;
};

// The guests keep full logs of programs that changed against the baselines, so they get each
// row's baseline verdicts and stats, and the gate's thresholds, in their manifest.
void plan_full_logs(RunCommandArgs& a) {
  FullLogPlan& plan = a.run.opts.full_logs;
  Thresholds t = a.gate.thresholds;
  // An unreadable policy is the gate's to report after the run; its defaults serve until then.
  if (auto policy = load_policy_or_default(a.gate.policy, a.gate.strict))
    policy->thresholds.apply_to(t);
  // The gate's headroom thresholds pick programs close to a limit, baselines or not.
  plan.headroom = t.headroom;
  const bool compared = !a.gate.no_gate && (a.gate.baselines_explicit || a.run.corpus_bundled);
  if (!compared) return;
  plan.baselines = expectations_from_dir(a.gate.baselines);
  plan.change = change_thresholds(t);
}

int do_run(RunCommandArgs& a) {
  const FileLock out_lock =
      claim_out_dir(a.run.opts.out_dir, {a.out.junit, a.out.markdown, a.out.verdict_json});
  plan_full_logs(a);
  RunOutcome outcome = execute_run(a.run);
  // The HTML report is always written next to results.json.
  if (a.out.html.empty()) a.out.html = a.run.opts.out_dir / "report.html";
  a.out.results_dir = a.run.opts.out_dir;
  return deliver_verdict(outcome.results, a.gate, a.out);
}

} // namespace

void add_run_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<RunCommandArgs>();
  auto* cmd = app.add_subcommand(
      "run", "Run the corpus on the kernel matrix, write results.json and report.html, and gate "
             "on the baselines (exit 0 clean, 1 regression, 2 error)");
  add_run_options(cmd, a->run);
  add_gate_options(cmd, a->gate, true, false);
  add_output_options(cmd, a->out, "");
  out.push_back({cmd, [a, cmd] {
                   apply_settings(*cmd, {nullptr, &a->run, &a->gate, &a->out});
                   return do_run(*a);
                 }});
}

} // namespace vmtest
