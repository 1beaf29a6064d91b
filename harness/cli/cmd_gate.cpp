// SPDX-License-Identifier: BSD-2-Clause
// vmtest gate: the verdict on a results.json (the last step of a sharded CI pipeline), with the
// same options, the same defaults and therefore the same outcome as `vmtest run` on those
// results. Reports can be written in the same step.
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_print.h"

#include <memory>

namespace vmtest {
namespace fs = std::filesystem;
namespace {

struct GateCmdArgs {
  fs::path results;
  GateArgs gate;
  OutputArgs out;
};

} // namespace

void add_gate_command(CLI::App& app, CommandList& out) {
  auto g = std::make_shared<GateCmdArgs>();
  auto* gate = app.add_subcommand(
      "gate", "Judge a results.json against the baselines and the policy: exit 0 clean, 1 "
              "regression, 2 error (the same verdict `vmtest run` gives)");
  gate->add_option("RESULTS", g->results, "results.json")->required()->check(CLI::ExistingFile);
  add_gate_options(gate, g->gate, true, true);
  add_output_options(gate, g->out, "--html");
  out.push_back({gate, [g, gate] {
                   apply_settings(*gate, {nullptr, nullptr, &g->gate, &g->out});
                   g->out.results_dir = g->results.parent_path();
                   return print_verdict(load_results_or_throw(g->results), g->gate, g->out);
                 }});
}

} // namespace vmtest
