// SPDX-License-Identifier: BSD-2-Clause
// vmtest baseline update: record what each kernel says now as its golden baseline
// (app/baseline_update.h); this file holds its flags.
#include "app/baseline_update.h"
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_print.h"

#include <cstdlib>
#include <memory>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;
namespace {

struct BaselineArgs {
  RunArgs run;
  GateArgs gate;
  fs::path from; // results.json instead of running
};

int do_update(BaselineArgs& a) {
  RunResults results;
  if (!a.from.empty()) {
    results = load_results_or_throw(a.from);
    keep_kernels(results, a.run.opts.kernels);
  } else {
    const FileLock out_lock = claim_out_dir(a.run.opts.out_dir);
    RealRun real(a.run);
    auto run = execute_run(a.run, real.context());
    if (!run) throw FatalError(run.error().str());
    results = std::move(run->results);
  }
  UpdateOutput out;
  out.note = say_on_stderr;
  out.print = print_lines;
  out.color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  auto rc = update_baselines(results, a.gate, out);
  if (!rc) throw FatalError(rc.error().str());
  return *rc;
}

} // namespace

void add_baseline_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<BaselineArgs>();
  auto* base = app.add_subcommand("baseline", "Manage the golden baselines in bpf/baselines");
  base->require_subcommand(1);
  auto* cmd = base->add_subcommand(
      "update", "Run the matrix (or take --from results.json) and rewrite the baselines");
  add_run_options(cmd, a->run);
  add_gate_options(cmd, a->gate, false, false);
  cmd->add_option("--from", a->from, "Use an existing results.json instead of running")
      ->check(CLI::ExistingFile);
  out.push_back({cmd, [a, cmd] {
                   apply_settings(*cmd, {nullptr, &a->run, &a->gate, nullptr});
                   return do_update(*a);
                 }});
}

} // namespace vmtest
