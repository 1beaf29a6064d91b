#pragma once
// Options of a matrix run and of the gate, shared by `vmtest run`, `gate`, `report`, `diff`
// and `baseline update`, so the same flag means the same thing everywhere.
#include "cli/command.h"
#include "gate/gate.h"
#include "run/controller.h"

#include <CLI/CLI.hpp>

namespace vmtest {

struct RunArgs {
  MatrixOptions matrix;
  RunOptions opts;
  std::vector<std::filesystem::path> corpus; // --corpus (repeatable); empty: the bundled one
  std::filesystem::path testrun_dir = "testrun";
  bool no_testrun = false;
  int timeout_s = 180;
  bool no_capabilities = false;  // --no-capabilities: no bpftool probe in the guests
  std::filesystem::path bpftool; // --bpftool; empty: /usr/sbin/bpftool when it exists
  std::string shard;             // "I/N": run only this share of the corpus objects
};

struct GateArgs {
  std::filesystem::path baselines = "bpf/baselines";
  CLI::Option* baselines_opt = nullptr; // to tell a given --baselines from the default
  std::filesystem::path policy;         // default: bpf/policy.yaml when it exists
  bool strict = false;
  bool no_gate = false;
  std::vector<std::string> kernels; // gate/report: the kernels that must have verdicts
  Thresholds thresholds;
};

void add_run_options(CLI::App* cmd, RunArgs& a);
// `with_no_gate`: offer --no-gate; `with_kernels`: offer --kernel (for commands that read a
// results file; `run` has its own --kernel).
void add_gate_options(CLI::App* cmd, GateArgs& g, bool with_no_gate, bool with_kernels);

// The gate's options for these results: flags plus the defaults every command shares. A run of
// a corpus other than the bundled one is compared only with --baselines: the bundled baselines
// describe the bundled corpus and would only report every program as new or removed.
GateOptions resolve_gate(const GateArgs& g, const RunResults& results);

// Runs the matrix and writes OUT/results.json. Throws FatalError on usage errors.
RunOutcome execute_run(RunArgs& a);

} // namespace vmtest
