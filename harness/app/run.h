// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The `vmtest run` use case, and the run that `vmtest baseline update` starts: find the corpus,
// pick the kernels and tools, resolve the gate once, boot through the controller's stages,
// write results.json, and judge. Every effect comes in through RunContext (the stages, the
// progress lines, where notes go), so unit tests drive it with fake stages and boot nothing;
// cli/ only parses the flags, wires the real stages and prints.
#include "app/verdict_output.h"
#include "gate/gate.h"
#include "run/controller.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace vmtest {

// A line for the user that is not progress ("wrote results.json"); cli/ prints it on stderr.
using Say = std::function<void(const std::string&)>;

// What a run was asked for, flags and vmtest.yaml applied (cli/settings.h).
struct RunRequest {
  RunOptions opts;
  std::vector<std::filesystem::path> corpus; // --corpus (repeatable) or vmtest.yaml corpus
  // The project's own corpus: vmtest.yaml's, or (neither that nor --corpus) the corpus built
  // with vmtest in its build tree. Its baselines are the project's; results record it as
  // "bundled".
  bool corpus_bundled = false;
  std::filesystem::path testrun_dir = "testrun";
  bool no_testrun = false;
  int timeout_s = 180;
  bool no_capabilities = false;  // --no-capabilities: no bpftool probe in the guests
  std::filesystem::path bpftool; // --bpftool; empty: /usr/sbin/bpftool when it exists
  std::string shard;             // "I/N": run only this share of the corpus objects
  // --boot-empty: boot even when there is nothing to verify. The harness's own round trip
  // (boot, agent, results, power-off) is the floor bench/ measures every overhead against.
  bool boot_empty = false;
  int full_log_cap_mib = 16; // --full-log-cap; RunOptions::full_logs.cap_bytes
};

// The effects of a run.
struct RunContext {
  const Matrix& matrix;            // the project's matrix, loaded
  std::filesystem::path cache_dir; // the kernel cache (capabilities are cached under it)
  RunStages& stages;               // kernels, VMs and the host agent
  Progress& progress;              // per-kernel lines and notes
  Say say;                         // other lines for the user
};

// A run with its corpus found and its kernels and tools chosen; nothing booted yet.
struct PreparedRun {
  std::vector<CorpusObject> objects; // this run's (after --shard)
  CorpusInfo corpus;
  KernelSelection kernels;
};

// Programs in these objects as libbpf lists them (each preset counts once more), for the run's
// first line and results.json: every object is opened, nothing is loaded, and nothing else is
// read (the agent's listing also reads the kernel's BTF, to guess missing attach targets).
int64_t count_programs(const std::vector<CorpusObject>& objects);

// Everything before the first boot. Usage errors (no corpus, no agent, a bad --shard, a
// missing --bpftool) are errors naming what to do.
Result<PreparedRun> prepare_run(RunRequest& a, RunContext& ctx);

// What the gate will judge these results by, known before the run.
GateScope scope_of(const PreparedRun& run);

// The guests keep the full logs of the programs the gate will flag: each row's baseline
// verdicts and stats and the gate's thresholds go into the manifest, from the gate's own
// resolved inputs, so the two cannot disagree.
void plan_full_logs(const GateInputs& gate, FullLogPlan& plan);

// Boots (or, with nothing to verify, records why not) and writes OUT/results.json. Callers
// hold lock_out_dir(OUT) around it and whatever else they write into OUT.
Result<RunOutcome> finish_run(RunRequest& a, const PreparedRun& run, RunContext& ctx);

// prepare_run + finish_run, without a gate (`vmtest baseline update`).
Result<RunOutcome> execute_run(RunRequest& a, RunContext& ctx);

// `vmtest run`: prepare, resolve the gate once, run with its full-log plan, and deliver the
// verdict on the results with the same inputs. The HTML report defaults to OUT/report.html.
struct RunVerdict {
  RunOutcome run;
  Delivery delivery;
};
Result<RunVerdict> run_and_gate(RunRequest& a, const GateOptions& gate, OutputArgs out,
                                RunContext& ctx, const EnvLookup& env = process_env);

} // namespace vmtest
