// SPDX-License-Identifier: BSD-2-Clause
// vmtest run: the main job. Runs the matrix, writes results.json, then gates on baselines
// (app/run.h); this file holds its flags and the production wiring.
#include "app/run.h"
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_print.h"
#include "core/cancel.h"
#include "run/previous_outputs.h"
#include "run/real_stages.h"

#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;

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
  cmd->add_option("--guest-cpus", a.opts.guest_cpus,
                  "vCPUs per guest, each loading objects in a worker process of its own; 0: 2 "
                  "when the host has two cores for every VM running at once, else 1 (measured "
                  "no faster on a busy 2-core host, so off by default)")
      ->capture_default_str()
      ->check(CLI::Range(0, 8));
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

RealRun::RealRun(const RunArgs& a)
    : matrix_(load_matrix_or_throw(a.matrix)), progress_(make_progress(stderr)),
      stages_([&] {
        auto stages =
            std::make_unique<RealStages>(cache_dir_of(a.matrix), a.matrix.kernel_dir, *progress_);
        stages->set_pin_recorder(lock_pin_recorder(a.matrix.lock));
        return stages;
      }()),
      ctx_{matrix_, cache_dir_of(a.matrix), *stages_, *progress_, say_on_stderr} {}

void say_on_stderr(const std::string& line) {
  std::fprintf(stderr, "vmtest: %s\n", line.c_str());
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

int do_run(RunCommandArgs& a) {
  const FileLock out_lock =
      claim_out_dir(a.run.opts.out_dir, {a.out.junit, a.out.markdown, a.out.verdict_json});
  RealRun real(a.run);
  auto v = run_and_gate(a.run, a.gate, a.out, real.context());
  if (!v) throw FatalError(v.error().str());
  return print_delivery(v->delivery, a.out);
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
