// SPDX-License-Identifier: BSD-2-Clause
// vmtest report: renders a finished run for humans (HTML) and for CI (JUnit, step summary,
// annotations, verdict JSON). It is `vmtest gate` with the HTML report on by default: the same
// options, the same verdict and the same exit code, plus the verdict matrix for the README.
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_print.h"
#include "core/fs.h"
#include "report/verdict_matrix.h"

#include <memory>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct ReportArgs {
  fs::path results;
  GateArgs gate;
  OutputArgs out;
  fs::path verdict_matrix;
  bool summary = false;
};

int do_report(ReportArgs& a) {
  const RunResults run = load_results_or_throw(a.results);
  // Prints only the verdict line unless asked for more: the report files are the point.
  if (!a.summary && !a.out.verbose) a.out.quiet = true;
  if (a.out.html.empty()) a.out.html = a.results.parent_path() / "report.html";
  a.out.results_dir = a.results.parent_path();
  if (!a.verdict_matrix.empty()) {
    if (auto w = write_file_atomic(a.verdict_matrix, render_verdict_matrix(run)); !w)
      throw FatalError("cannot write the verdict matrix: " + w.error().str());
    std::fprintf(stderr, "vmtest: wrote %s\n", a.verdict_matrix.c_str());
  }
  return print_verdict(run, a.gate, a.out);
}

} // namespace

void add_report_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report", "Render results.json as an HTML report (and JUnit, markdown, annotations); exits "
                "with the gate's verdict, like `vmtest gate`");
  cmd->add_option("results", a->results, "results.json of a run")
      ->required()
      ->check(CLI::ExistingFile);
  add_gate_options(cmd, a->gate, true, true);
  add_output_options(cmd, a->out, "-o,--out,--html");
  cmd->get_option("--html")->description(
      "HTML report to write (default: report.html next to RESULTS)");
  cmd->add_option("--verdict-matrix", a->verdict_matrix,
                  "Also write the program x kernel verdict matrix (markdown) to FILE");
  cmd->add_flag("--summary", a->summary, "Print the per-kernel summary and findings too");
  out.push_back({cmd, [a, cmd] {
                   apply_settings(*cmd, {nullptr, nullptr, &a->gate, &a->out});
                   return do_report(*a);
                 }});
}

} // namespace vmtest
