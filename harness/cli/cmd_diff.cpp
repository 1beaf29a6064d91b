// vmtest diff A.json B.json: compare any two result sets (A is the reference), like
// veristat -C; and vmtest csv: export one kernel's results as veristat-compatible CSV.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "baseline/diff_table.h"
#include "baseline/veristat_csv.h"
#include "cli/run_args.h"
#include "core/fs.h"

namespace vmtest {
namespace fs = std::filesystem;
namespace {

RunResults read_results(const fs::path& p) {
  auto text = read_file(p);
  if (!text) throw FatalError(text.error().str());
  try {
    return nlohmann::json::parse(*text).get<RunResults>();
  } catch (const std::exception& e) {
    throw FatalError(p.string() + ": not a vmtest results file: " + e.what());
  }
}

struct DiffArgs {
  fs::path a, b;
  GateArgs gate;
};

int do_diff(const DiffArgs& d) {
  RunResults a = read_results(d.a), b = read_results(d.b);
  GateOptions g = resolve_gate(d.gate);
  auto policy = load_policy_or_default(g.policy, g.strict);
  if (!policy) throw FatalError(policy.error().str());
  Thresholds t = g.thresholds;
  policy->thresholds.apply_to(t);
  auto reports = diff_runs(a, b, *policy, t);
  bool color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  std::fputs(render_diff_tables(reports, color).c_str(), stdout);
  return exit_code(reports);
}

struct CsvArgs {
  fs::path results;
  std::string kernel;
  fs::path out;
};

int do_csv(const CsvArgs& c) {
  RunResults r = read_results(c.results);
  const KernelResult* k = c.kernel.empty() && !r.kernels.empty() ? &r.kernels.front()
                                                                  : r.find(c.kernel);
  if (!k) throw FatalError("no kernel '" + c.kernel + "' in " + c.results.string());
  std::string csv = veristat_csv(*k);
  if (c.out.empty()) {
    std::fputs(csv.c_str(), stdout);
    return 0;
  }
  if (auto w = write_file_atomic(c.out, csv); !w) throw FatalError(w.error().str());
  return 0;
}

}  // namespace

void add_diff_command(CLI::App& app, CommandList& out) {
  auto d = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand("diff", "Compare two results.json files (A is the reference)");
  cmd->add_option("A", d->a, "Reference results.json")->required()->check(CLI::ExistingFile);
  cmd->add_option("B", d->b, "New results.json")->required()->check(CLI::ExistingFile);
  add_gate_options(cmd, d->gate, false);
  out.push_back({cmd, [d] { return do_diff(*d); }});

  auto c = std::make_shared<CsvArgs>();
  auto* csv = app.add_subcommand("csv", "Export one kernel's results as veristat-compatible CSV");
  csv->add_option("RESULTS", c->results, "results.json")->required()->check(CLI::ExistingFile);
  csv->add_option("-k,--kernel", c->kernel, "Kernel row (default: the first in the file)");
  csv->add_option("-o,--out", c->out, "Output file (default: stdout)");
  out.push_back({csv, [c] { return do_csv(*c); }});
}

}  // namespace vmtest
