// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The controller drives one run through the stages: matrix -> kernel image -> guest image ->
// VM -> results. Each stage sits behind RunStages so the orchestration (selection, skips,
// failure isolation) is unit-tested without booting anything. It only records what happened:
// what that means, and the exit code, is decided by the gate (gate/gate.cpp, finalise).
#include "core/process.h"
#include "kernel/kernel_image.h"
#include "kernel/matrix.h"
#include "results/manifest.h"
#include "results/results.h"
#include "run/corpus.h"
#include "run/progress.h"
#include "vm/vm_runner.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vmtest {

struct RunOptions {
  std::vector<std::string> kernels; // empty: the matrix's defaults (unavailable rows skipped)
  std::filesystem::path out_dir = "vmtest-out";
  std::filesystem::path agent; // vmtest-guest, built for the host (host mode, same-arch guests)
  int jobs = 0;                // 0: number of cores
  int guest_cpus = 1;          // vCPUs (and agent workers) per guest; 0: run/guest_cpus.h decides
  std::chrono::seconds timeout{180};
  int log_tail_lines = 20;
  bool isolated_loads = false; // Manifest::isolated_loads
  int memory_mb = 512;
  std::string accel = "auto";
  // bpftool for the capability probe in every guest and on the host; empty: no probe.
  std::filesystem::path bpftool;
  // Guests of another architecture than the host's need their own builds: a static
  // vmtest-guest cross-built for it, and that architecture's bpftool (empty: no probe there).
  std::map<Arch, std::filesystem::path> foreign_agents, foreign_bpftools;
  std::filesystem::path agent_for(Arch arch) const;
  std::filesystem::path bpftool_for(Arch arch) const;
  // Capabilities of a kernel build never change, so a probe result is cached by the image's
  // sha256 here and later guests skip the probe (about 1 s each under TCG). Empty: no cache.
  std::filesystem::path capabilities_cache;
  bool refresh_capabilities = false; // probe even when cached (and store the new result)
  // How long each row's guest took last time (run/boot_order.h): the longest boot first.
  // Empty: the matrix's order.
  std::filesystem::path row_seconds;
  // Which programs keep their full verifier log under OUT/logs, with the baselines' verdicts
  // and stats the guests select them by (results/full_log_selection.h).
  FullLogPlan full_logs;
};

class RunStages {
public:
  virtual ~RunStages() = default;
  // The row's first available source, fetched; or why none is available here (skipped in a
  // default run, an error when asked for by name); or how the fetch failed.
  virtual RowFetch fetch_kernel(const KernelRow& row) = 0;
  virtual std::vector<VmOutcome>
  boot_all(const std::vector<VmSpec>& specs, int jobs,
           const std::function<void(size_t, const std::string&)>& state) = 0;
  // Runs vmtest-guest on the host kernel.
  virtual Result<ExitStatus> run_host(const Command& cmd, std::chrono::milliseconds timeout) = 0;
};

struct RunOutcome {
  RunResults results; // what happened; gate/gate.h decides what it means
};

// Row names a user may pass to --kernel: the matrix rows plus "host".
std::vector<std::string> known_kernel_names(const Matrix& matrix);

// The kernels a run boots, decided once for the controller, the gate's plan and `vmtest config`.
struct KernelSelection {
  std::vector<std::string> names; // --kernel as given, else the matrix's defaults
  bool by_name = false;           // --kernel was given: an unavailable row is then an error
  // What results.json records as `selected` (the kernels the gate expects): the names, unless
  // the run took defaults that are every row of the matrix (the gate then expects every
  // baselined kernel). Recording them when they are fewer keeps the gate from expecting a
  // baselined opt-in row (RHEL 8.1, a canary) the run was never asked to boot.
  std::vector<std::string> recorded;
};
KernelSelection select_kernels(const Matrix& matrix, const std::vector<std::string>& requested);
// An error listing the valid names when `names` holds one the matrix does not know.
Result<void> check_kernel_names(const Matrix& matrix, const std::vector<std::string>& names);

class Controller {
public:
  Controller(const Matrix& matrix, RunStages& stages, Progress& progress)
      : matrix_(matrix), stages_(stages), progress_(progress) {}

  // Throws FatalError for usage errors (unknown kernel name); everything else is recorded
  // in the results so one broken kernel never hides the others.
  RunOutcome run(const RunOptions& opts, const std::vector<CorpusObject>& corpus);

private:
  KernelResult run_host(const RunOptions& opts, const std::vector<CorpusObject>& corpus);
  void absorb_report(AgentReport report, const std::vector<CorpusObject>& corpus, KernelResult& kr);
  void absorb_stream(const VmOutcome& vo, const std::vector<CorpusObject>& corpus,
                     KernelResult& kr);

  const Matrix& matrix_;
  RunStages& stages_;
  Progress& progress_;
};

// Summary line per kernel for the terminal ("6.1  ok  27 programs: 24 accepted, 3 rejected").
std::string summarise_kernel(const KernelResult& kr);

} // namespace vmtest
