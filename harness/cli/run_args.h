// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Options of a matrix run and of the gate, shared by `vmtest run`, `gate`, `report`, `diff`
// and `baseline update`, so the same flag means the same thing everywhere.
#include "cli/command.h"
#include "core/file_lock.h"
#include "gate/gate.h"
#include "run/controller.h"

#include <CLI/CLI.hpp>

namespace vmtest {

struct RunArgs {
  MatrixOptions matrix;
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

struct GateArgs {
  std::filesystem::path baselines = "bpf/baselines";
  bool baselines_explicit = false; // --baselines was given (vmtest.yaml's are the project's)
  std::filesystem::path policy;    // default: bpf/policy.yaml when it exists
  bool strict = false;
  bool no_gate = false;
  std::vector<std::string> kernels; // gate/report: the kernels that must have verdicts
  Thresholds thresholds;
};

void add_run_options(CLI::App* cmd, RunArgs& a);
// `with_no_gate`: offer --no-gate; `with_kernels`: offer --kernel (for commands that read a
// results file; `run` has its own --kernel).
void add_gate_options(CLI::App* cmd, GateArgs& g, bool with_no_gate, bool with_kernels);

// The gate's options for these results: flags, vmtest.yaml and the defaults every command shares
// (cli/settings.h has applied them). A run of a corpus other than the project's own is compared
// only with a --baselines: the project's baselines describe the project's corpus and would only
// report every program as new or removed.
GateOptions resolve_gate(const GateArgs& g, const RunResults& results);

// Runs the matrix and writes OUT/results.json. Throws FatalError on usage errors. Callers
// hold lock_out_dir(OUT) around it and whatever else they write into OUT.
RunOutcome execute_run(RunArgs& a);

// OUT/.vmtest.lock, taken without waiting: a second vmtest writing the same folder would mix
// its results.json, report and guest logs with the first one's, so it stops at once with an
// error naming the folder and the holder (FatalError, exit 2). Pass another --out to run both.
FileLock lock_out_dir(const std::filesystem::path& out_dir);

// What a run does with OUT before anything else: lock_out_dir, then move the previous run's
// outputs (and `extra_outputs`, the --junit, --markdown ... files) out of the names a later step
// trusts (run/previous_outputs.h), then stop cleanly on SIGINT, SIGTERM and SIGHUP from here on
// (core/cancel.h). Throws FatalError when the folder is busy or an old output cannot be moved.
FileLock claim_out_dir(const std::filesystem::path& out_dir,
                       const std::vector<std::filesystem::path>& extra_outputs = {});

} // namespace vmtest
