// SPDX-License-Identifier: BSD-2-Clause
// vmtest diff A.json B.json: compare any two result sets (A is the reference), like
// veristat -C; and vmtest csv: export one kernel's results as veristat-compatible CSV.
#include "app/diff.h"
#include "baseline/veristat_csv.h"
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_print.h"
#include "core/fs.h"
#include "gate/gate_text.h"

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;
namespace {

struct DiffArgs {
  fs::path a, b;
  GateArgs gate;
  bool brief = false;
};

// Like `veristat -C`: every kernel's table (with the informational metrics, which baselines do
// not keep but both runs have), then the verdict's lines and its exit code.
int do_diff(const DiffArgs& d) {
  RunResults a = load_results_or_throw(d.a), b = load_results_or_throw(d.b);
  const auto v = diff_results(a, b, d.gate);
  if (!v) throw FatalError(v.error().str());
  GateTextOptions text;
  text.color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  text.verbose = !d.brief;
  print_lines(render_gate_text(*v, text));
  return v->exit_code;
}

struct CsvArgs {
  fs::path results;
  std::string kernel;
  fs::path out;
};

int do_csv(const CsvArgs& c) {
  RunResults r = load_results_or_throw(c.results);
  const KernelResult* k =
      c.kernel.empty() && !r.kernels.empty() ? &r.kernels.front() : r.find(c.kernel);
  if (!k) throw FatalError("no kernel '" + c.kernel + "' in " + c.results.string());
  std::string csv = veristat_csv(*k);
  if (c.out.empty()) {
    std::fputs(csv.c_str(), stdout);
    return 0;
  }
  if (auto w = write_file_atomic(c.out, csv); !w) throw FatalError(w.error().str());
  return 0;
}

} // namespace

void add_diff_command(CLI::App& app, CommandList& out) {
  auto d = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand("diff", "Compare two results.json files (A is the reference)");
  cmd->add_option("A", d->a, "Reference results.json")->required()->check(CLI::ExistingFile);
  cmd->add_option("B", d->b, "New results.json")->required()->check(CLI::ExistingFile);
  add_gate_options(cmd, d->gate, false, false);
  cmd->add_flag("--brief", d->brief, "Only the per-kernel lines and the findings, not the tables");
  out.push_back({cmd, [d, cmd] {
                   apply_settings(*cmd, {nullptr, nullptr, &d->gate, nullptr});
                   return do_diff(*d);
                 }});

  auto c = std::make_shared<CsvArgs>();
  auto* csv = app.add_subcommand("csv", "Export one kernel's results as veristat-compatible CSV");
  csv->add_option("RESULTS", c->results, "results.json")->required()->check(CLI::ExistingFile);
  csv->add_option("-k,--kernel", c->kernel, "Kernel row (default: the first in the file)");
  csv->add_option("-o,--out", c->out, "Output file (default: stdout)");
  out.push_back({csv, [c] { return do_csv(*c); }});
}

} // namespace vmtest
