// SPDX-License-Identifier: BSD-2-Clause
// vmtest baseline update: record what each kernel says now as its golden baseline. Shows the
// same diff view as `vmtest run` first, writes each file atomically, and refuses to record a
// kernel that did not produce verdicts.
#include "baseline/baseline_file.h"
#include "baseline/diff_table.h"
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_output.h"
#include "core/fs.h"

#include <algorithm>
#include <cstdio>
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
    if (!a.run.opts.kernels.empty()) {
      auto& ks = results.kernels;
      ks.erase(std::remove_if(ks.begin(), ks.end(),
                              [&](const KernelResult& k) {
                                return std::find(a.run.opts.kernels.begin(),
                                                 a.run.opts.kernels.end(),
                                                 k.name) == a.run.opts.kernels.end();
                              }),
               ks.end());
    }
  } else {
    const FileLock out_lock = claim_out_dir(a.run.opts.out_dir);
    results = execute_run(a.run).results;
  }
  GateOptions g = resolve_gate(a.gate, results);
  // The bundled baselines describe the bundled corpus; another corpus gets its own folder.
  if (results.corpus && !results.corpus->bundled && !g.baselines_explicit)
    throw FatalError("the corpus is not the project's own (vmtest.yaml's): pass --baselines "
                     "DIR for its baselines");
  auto policy = load_policy_or_default(g.policy, g.strict);
  if (!policy) throw FatalError(policy.error().str());
  Thresholds thresholds = g.thresholds;
  policy->thresholds.apply_to(thresholds);
  bool color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");

  int rc = 0;
  size_t written = 0;
  for (const auto& k : results.kernels) {
    if (k.status == KernelStatus::Skipped) {
      std::fprintf(stderr, "vmtest: %s: skipped (%s); baseline left as it is\n", k.name.c_str(),
                   k.error.c_str());
      continue;
    }
    if (k.status != KernelStatus::Ok) {
      std::fprintf(stderr,
                   "vmtest: %s: refusing to write a baseline: the kernel gave no verdicts (%s: "
                   "%s)\n",
                   k.name.c_str(), to_string(k.status), k.error.c_str());
      rc = 2;
      continue;
    }
    Baseline fresh = baseline_from_kernel_result(k, results.toolchain);
    fs::path path = baseline_path(g.baselines_dir, k.name);
    std::error_code ec;
    if (fs::exists(path, ec)) {
      auto old = load_baseline(path);
      if (old) {
        if (*old == fresh) {
          std::fprintf(stderr, "vmtest: %s: baseline unchanged\n", k.name.c_str());
          continue;
        }
        print_lines(render_diff_table(diff_kernel(&*old, k, results.toolchain, *policy, thresholds),
                                      color));
      } else {
        std::fprintf(stderr, "vmtest: %s: replacing unreadable baseline: %s\n", k.name.c_str(),
                     old.error().str().c_str());
      }
    } else {
      std::fprintf(stderr, "vmtest: %s: new baseline\n", k.name.c_str());
    }
    if (auto w = save_baseline(path, fresh); !w) {
      std::fprintf(stderr, "vmtest: %s: %s\n", k.name.c_str(), w.error().str().c_str());
      rc = 2;
      continue;
    }
    ++written;
    std::fprintf(stderr, "vmtest: %s: wrote %s\n", k.name.c_str(), path.c_str());
  }
  std::fprintf(stderr, "vmtest: %zu baseline(s) written\n", written);
  return rc;
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
