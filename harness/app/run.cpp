// SPDX-License-Identifier: BSD-2-Clause
#include "app/run.h"

#include "agent/program_loader.h"
#include "app/paths.h"
#include "baseline/expectations.h"
#include "core/fs.h"
#include "results/byte_text.h"
#include "run/shard.h"
#include "testrun/testrun_file.h"

#include <algorithm>

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

// The capability probe is on by default, but a host without bpftool only gets a note: the
// verdicts do not depend on it. An explicit --bpftool that does not exist is a usage error.
Result<fs::path> choose_bpftool(const RunRequest& a, Progress& progress) {
  if (a.no_capabilities) return fs::path{};
  std::error_code ec;
  if (!a.bpftool.empty()) {
    if (!fs::exists(a.bpftool, ec)) return Error{"bpftool not found at " + a.bpftool.string(), ""};
    return a.bpftool;
  }
  const fs::path bundled = default_bpftool();
  if (fs::exists(bundled, ec)) return bundled;
  progress.note("no bpftool at " + bundled.string() +
                ": kernel capabilities are not probed (install bpftool, or pass "
                "--no-capabilities)");
  return fs::path{};
}

// Rows of another architecture than the host's (arm64 rows on x86) boot their own builds of
// the agent and bpftool. A missing agent is the rows' error (the controller says so); a
// missing bpftool only skips their capability probe, with a note.
void choose_foreign_builds(const Matrix& matrix, const KernelSelection& kernels, RunRequest& a,
                           Progress& progress) {
  for (const auto& n : kernels.names) {
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
      progress.note("no " + std::string(to_string(row->arch)) + " bpftool at " + bpftool.string() +
                    ": " + std::string(to_string(row->arch)) +
                    " kernels' capabilities are not probed (scripts/install-deps.sh unpacks "
                    "one from Debian's bpftool:" +
                    std::string(debian_arch(row->arch)) + ")");
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

Result<PreparedRun> prepare_run(RunRequest& a, RunContext& ctx) {
  a.opts.timeout = std::chrono::seconds(a.timeout_s);
  a.opts.full_logs.cap_bytes = static_cast<uint64_t>(a.full_log_cap_mib) << 20;
  if (a.corpus.empty())
    return Error{"no corpus: pass --corpus DIR, or name it in vmtest.yaml (`vmtest init` "
                 "writes a starter file)",
                 ""};
  if (a.opts.agent.empty()) a.opts.agent = default_agent_path();
  std::error_code ec;
  if (!fs::exists(a.opts.agent, ec))
    return Error{"guest agent not found at " + a.opts.agent.string() +
                     " (build vmtest-guest or set VMTEST_GUEST)",
                 ""};

  const fs::path testrun = a.testrun_dir;
  // testrun/<path>/<stem>.yaml for an object found in a subfolder, else testrun/<stem>.yaml: a
  // build tree's layout should not force the same layout on the cases.
  // --no-testrun drops the cases only: presets are how the object is loaded, not test input.
  CaseLoader cases = [testrun,
                      no_cases = a.no_testrun](const std::string& stem) -> Result<TestrunSpec> {
    auto found = load_testrun_spec_dir(testrun, stem);
    const size_t slash = stem.rfind('/');
    if (found && found->empty() && slash != std::string::npos)
      found = load_testrun_spec_dir(testrun, stem.substr(slash + 1));
    if (found && no_cases) found->cases.clear();
    return found;
  };
  auto corpus = discover_corpus(a.corpus, cases);
  if (!corpus) return corpus.error();
  PreparedRun run;
  CorpusInfo& info = run.corpus;
  info.roots = corpus->roots;
  info.total_objects = static_cast<int64_t>(corpus->objects.size());
  info.files_scanned = corpus->files_scanned;
  info.bundled = a.corpus_bundled;
  run.objects = corpus->objects;
  if (!a.shard.empty()) {
    auto shard = parse_shard(a.shard);
    if (!shard) return shard.error();
    run.objects = select_shard(run.objects, *shard);
    info.shard = a.shard;
  }
  info.objects = static_cast<int64_t>(run.objects.size());
  info.programs = count_programs(run.objects);

  Progress& progress = ctx.progress;
  progress.note(
      "corpus: " + std::to_string(info.objects) + " objects with " + std::to_string(info.programs) +
      " programs" +
      (info.objects == info.total_objects
           ? ""
           : " (shard " + info.shard + " of " + std::to_string(info.total_objects) + " objects)") +
      " found under " + join(info.roots) + " (" + std::to_string(info.files_scanned) +
      " files searched)");
  for (const auto& n : corpus->notes)
    progress.note("corpus: " + n);
  auto bpftool = choose_bpftool(a, progress);
  if (!bpftool) return bpftool.error();
  a.opts.bpftool = *bpftool;
  run.kernels = select_kernels(ctx.matrix, a.opts.kernels);
  choose_foreign_builds(ctx.matrix, run.kernels, a, progress);
  a.opts.capabilities_cache = ctx.cache_dir / "capabilities";
  a.opts.row_seconds = ctx.cache_dir / "row-seconds.json";
  return run;
}

GateScope scope_of(const PreparedRun& run) {
  GateScope s;
  s.project_corpus = run.corpus.bundled;
  s.selected = run.kernels.recorded;
  s.kernels = run.kernels.names;
  return s;
}

void plan_full_logs(const GateInputs& gate, FullLogPlan& plan) {
  // The gate's headroom thresholds pick programs close to a limit, baselines or not.
  plan.headroom = gate.thresholds.headroom;
  if (!gate.compare) return;
  plan.baselines.clear();
  for (const auto& [row, baseline] : gate.baselines)
    plan.baselines[row] = expectations_of(baseline);
  plan.change = change_thresholds(gate.thresholds);
}

Result<RunOutcome> finish_run(RunRequest& a, const PreparedRun& run, RunContext& ctx) {
  RunOutcome outcome;
  if (run.objects.empty() && !a.boot_empty) {
    // Nothing to verify: booting kernels would only cost time. The gate says why this is an
    // error (or, for an empty shard of a non-empty corpus, only a note).
    const std::string why = run.corpus.total_objects == 0
                                ? "not booted: the corpus holds no BPF objects"
                                : "not booted: this shard holds no objects";
    for (const auto& n : run.kernels.names) {
      KernelResult k;
      k.name = n;
      k.status = KernelStatus::Skipped;
      k.error = why;
      outcome.results.kernels.push_back(std::move(k));
    }
    outcome.results.selected = run.kernels.recorded;
  } else {
    if (auto known = check_kernel_names(ctx.matrix, run.kernels.names); !known)
      return known.error();
    Controller controller(ctx.matrix, ctx.stages, ctx.progress);
    outcome = controller.run(a.opts, run.objects);
  }
  ctx.progress.finish();

  outcome.results.toolchain = {VMTEST_BPF_CLANG_VERSION, LIBBPF_HOST_VERSION, VMTEST_VERSION};
  outcome.results.corpus = run.corpus;
  const fs::path results = a.opts.out_dir / "results.json";
  auto w = write_file_atomic(results, dump_json(nlohmann::json(outcome.results), 2) + "\n");
  if (!w) return Error{"cannot write results: " + w.error().str(), ""};
  if (ctx.say) ctx.say("wrote " + results.string());
  return outcome;
}

Result<RunOutcome> execute_run(RunRequest& a, RunContext& ctx) {
  auto run = prepare_run(a, ctx);
  if (!run) return run.error();
  return finish_run(a, *run, ctx);
}

Result<RunVerdict> run_and_gate(RunRequest& a, const GateOptions& gate, OutputArgs out,
                                RunContext& ctx, const EnvLookup& env) {
  auto prepared = prepare_run(a, ctx);
  if (!prepared) return prepared.error();
  // Resolved once, before any guest boots: the full-log plan and the verdict use these inputs.
  const GateInputs inputs = resolve_gate(gate, scope_of(*prepared));
  plan_full_logs(inputs, a.opts.full_logs);
  auto run = finish_run(a, *prepared, ctx);
  if (!run) return run.error();
  // The HTML report is always written next to results.json.
  if (out.html.empty()) out.html = a.opts.out_dir / "report.html";
  out.results_dir = a.opts.out_dir;
  RunVerdict v;
  v.run = std::move(*run);
  v.delivery = deliver_verdict(v.run.results, inputs, out, env);
  return v;
}

} // namespace vmtest
