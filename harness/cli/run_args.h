#pragma once
// Options of a matrix run, shared by `vmtest run` and `vmtest baseline update` (which runs the
// matrix unless given --from).
#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "run/controller.h"
#include "run/gate.h"

namespace vmtest {

struct RunArgs {
  MatrixOptions matrix;
  RunOptions opts;
  std::filesystem::path testrun_dir = "testrun";
  bool no_testrun = false;
  int timeout_s = 180;
  bool no_capabilities = false;    // --no-capabilities: no bpftool probe in the guests
  std::filesystem::path bpftool;   // --bpftool; empty: /usr/sbin/bpftool when it exists
  std::string shard;  // "I/N": run only this share of the corpus objects
};

struct GateArgs {
  std::filesystem::path baselines = "bpf/baselines";
  std::filesystem::path policy;  // default: bpf/policy.yaml when it exists
  bool strict = false;
  bool no_gate = false;
  Thresholds thresholds;
};

void add_run_options(CLI::App* cmd, RunArgs& a);
void add_gate_options(CLI::App* cmd, GateArgs& g, bool with_no_gate);
GateOptions resolve_gate(const GateArgs& g);

// Runs the matrix and writes OUT/results.json. Throws FatalError on usage errors.
RunOutcome execute_run(RunArgs& a);

// 1 beats 2 beats 0: a regression is the finding CI must show even when a kernel also failed.
int combine_exit(int a, int b);

}  // namespace vmtest
