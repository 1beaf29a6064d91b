// vmtest merge: combine results.json files from shards or per-kernel CI jobs into one, equal
// to what a single unsharded run would have written. vmtest gate: apply the baseline gate to
// a results file (the last step of a sharded CI pipeline).
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "baseline/diff_table.h"
#include "cli/run_args.h"
#include "core/fs.h"
#include "run/shard.h"

namespace vmtest {
namespace fs = std::filesystem;
namespace {

RunResults read_results_file(const fs::path& p) {
  auto text = read_file(p);
  if (!text) throw FatalError(text.error().str());
  try {
    return nlohmann::json::parse(*text).get<RunResults>();
  } catch (const std::exception& e) {
    throw FatalError(p.string() + ": not a vmtest results file: " + e.what());
  }
}

struct MergeArgs {
  MatrixOptions matrix;
  std::vector<fs::path> inputs;
  fs::path out = "vmtest-out/results.json";
};

int do_merge(const MergeArgs& a) {
  std::vector<RunResults> parts;
  for (const auto& p : a.inputs) parts.push_back(read_results_file(p));
  std::vector<std::string> order;
  auto matrix = load_matrix(a.matrix.matrix, a.matrix.lock);
  if (matrix)
    for (const auto& r : matrix->rows) order.push_back(r.name);
  auto merged = merge_results(parts, order);
  if (!merged) throw FatalError(merged.error().str());
  if (auto w = write_file_atomic(a.out, nlohmann::json(*merged).dump(2) + "\n"); !w)
    throw FatalError(w.error().str());
  std::fprintf(stderr, "vmtest: merged %zu file(s), %zu kernel(s) into %s\n", a.inputs.size(),
               merged->kernels.size(), a.out.c_str());
  return 0;
}

struct GateCmdArgs {
  fs::path results;
  GateArgs gate;
};

int do_gate(const GateCmdArgs& a) {
  RunResults r = read_results_file(a.results);
  auto gate = gate_run(r, resolve_gate(a.gate));
  if (!gate) {
    std::fprintf(stderr, "vmtest: error: %s\n", gate.error().str().c_str());
    return 2;
  }
  bool color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  std::fputs(render_diff_tables(gate->reports, color).c_str(), stdout);
  for (const auto& n : gate->notes) std::fprintf(stderr, "vmtest: %s\n", n.c_str());
  // Kernels that failed to produce verdicts are infrastructure errors even without a baseline.
  int infra = 0;
  for (const auto& k : r.kernels)
    if (k.status != "ok" && k.status != "skipped") infra = 2;
  return combine_exit(gate->exit_code, infra);
}

}  // namespace

void add_merge_command(CLI::App& app, CommandList& out) {
  auto m = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "Combine results.json files from shards or CI jobs");
  add_matrix_options(cmd, m->matrix);
  cmd->add_option("inputs", m->inputs, "results.json files")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", m->out, "Merged results file")->capture_default_str();
  out.push_back({cmd, [m] { return do_merge(*m); }});

  auto g = std::make_shared<GateCmdArgs>();
  auto* gate = app.add_subcommand("gate", "Diff a results.json against the baselines; exit 0/1/2");
  gate->add_option("RESULTS", g->results, "results.json")->required()->check(CLI::ExistingFile);
  add_gate_options(gate, g->gate, false);
  out.push_back({gate, [g] { return do_gate(*g); }});
}

}  // namespace vmtest
