// SPDX-License-Identifier: BSD-2-Clause
// vmtest merge: combine results.json files from shards or per-kernel CI jobs into one
// (app/merge.h); this file holds its flags.
#include "app/merge.h"
#include "cli/run_args.h"
#include "cli/settings.h"

#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;
namespace {

struct MergeArgs {
  MatrixOptions matrix;
  std::vector<fs::path> inputs;
  fs::path out = "vmtest-out/results.json";
};

int do_merge(const MergeArgs& a) {
  std::vector<std::string> order;
  // Rows in matrix order; a matrix that cannot be read only loses the ordering.
  try {
    for (const auto& r : load_matrix_or_throw(a.matrix).rows)
      order.push_back(r.name);
  } catch (const FatalError&) {
  }
  auto merged = merge_files(a.inputs, order, a.out, say_on_stderr);
  if (!merged) throw FatalError(merged.error().str());
  std::fprintf(stderr, "vmtest: merged %zu file(s), %zu kernel(s) into %s (%zu full log(s))\n",
               a.inputs.size(), merged->results.kernels.size(), a.out.c_str(), merged->logs);
  return 0;
}

} // namespace

void add_merge_command(CLI::App& app, CommandList& out) {
  auto m = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "Combine results.json files from shards or CI jobs");
  add_matrix_options(cmd, m->matrix);
  cmd->add_option("inputs", m->inputs, "results.json files")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", m->out, "Merged results file")->capture_default_str();
  out.push_back({cmd, [m, cmd] {
                   apply_settings(*cmd, {&m->matrix, nullptr, nullptr, nullptr});
                   return do_merge(*m);
                 }});
}

} // namespace vmtest
