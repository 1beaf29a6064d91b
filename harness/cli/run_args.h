// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Options of a matrix run and of the gate, shared by `vmtest run`, `gate`, `report`, `diff`
// and `baseline update`, so the same flag means the same thing everywhere. What they do is
// the use cases' (app/); these are the flags that fill them.
#include "app/run.h"
#include "cli/command.h"
#include "core/file_lock.h"
#include "gate/gate.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace vmtest {

// A run's request plus where its kernels come from.
struct RunArgs : RunRequest {
  MatrixOptions matrix;
};

// The gate's flags fill its options directly.
using GateArgs = GateOptions;

void add_run_options(CLI::App* cmd, RunArgs& a);
// `with_no_gate`: offer --no-gate; `with_kernels`: offer --kernel (for commands that read a
// results file; `run` has its own --kernel).
void add_gate_options(CLI::App* cmd, GateArgs& g, bool with_no_gate, bool with_kernels);

// The production effects of a run: the project's matrix (an unreadable one is a FatalError),
// the real stages (apt, registries, qemu), progress and notes on stderr.
class RealRun {
public:
  explicit RealRun(const RunArgs& a);
  RunContext& context() { return ctx_; }

private:
  Matrix matrix_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<RunStages> stages_;
  RunContext ctx_;
};

// Lines the use cases say, as "vmtest: LINE" on stderr.
void say_on_stderr(const std::string& line);

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
