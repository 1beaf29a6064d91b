// SPDX-License-Identifier: BSD-2-Clause
#include "cli/verdict_print.h"

#include "gate/gate_text.h"
#include "report/report_formats.h"
#include "results/change_thresholds.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

void add_gate_options(CLI::App* cmd, GateArgs& g, bool with_no_gate, bool with_kernels) {
  cmd->add_option("--baselines", g.baselines_dir, "Directory of <kernel>.json baselines")
      ->capture_default_str();
  cmd->add_option("--policy", g.policy,
                  "Policy file: expected failures, thresholds, ignores (default: bpf/policy.yaml "
                  "when it exists)");
  cmd->add_flag("--strict", g.strict,
                "New or removed programs, missing baselines and another kernel build fail");
  if (with_kernels)
    cmd->add_option("-k,--kernel", g.kernels,
                    "Kernel that must have verdicts (repeatable; default: the run's own "
                    "selection, or every kernel with a baseline)");
  // --insns-pct, --insns-abs, --states-pct ...: one pair per threshold group.
  for (const auto& grp : kThresholdGroups) {
    const std::string flag = "--" + std::string(grp.key), label(grp.label);
    ChangeLimits& limits = g.thresholds.change[grp.id];
    cmd->add_option(flag + "-pct", limits.pct,
                    label + " change (percent) that warns; both pct and abs must be exceeded")
        ->capture_default_str();
    cmd->add_option(flag + "-abs", limits.abs, label + " change (absolute) that warns")
        ->capture_default_str();
  }
  cmd->add_flag("--fail-on-stats", g.thresholds.fail_on_stats,
                "Stats moves beyond the thresholds fail instead of warning");
  if (with_no_gate)
    cmd->add_flag("--no-gate", g.no_gate,
                  "Do not compare with baselines (missed test expectations, kernels without "
                  "verdicts, unreadable objects and an empty corpus still count)");
}

void add_output_options(CLI::App* cmd, OutputArgs& o, const std::string& html_flags) {
  for (const ReportFormat& f : kReportFormats) {
    const std::string flag = *f.flag ? f.flag : html_flags;
    if (flag.empty()) continue;
    if (f.target == FormatTarget::File)
      cmd->add_option(flag, o.file(f.name), f.help);
    else
      cmd->add_flag(flag, o.flag(f.name), f.help);
  }
  cmd->add_option("--repo-root", o.repo_root,
                  "Checkout the annotation paths are relative to (default: $GITHUB_WORKSPACE, "
                  "else the current directory)");
  cmd->add_option("--sources", o.sources,
                  "Folder of the corpus' <stem>.bpf.c sources, for annotation paths")
      ->capture_default_str();
  cmd->add_option("--templates", o.templates,
                  "Read report templates from DIR instead of the ones built in (for editing them)");
  cmd->add_flag("-v,--verbose", o.verbose,
                "Show every kernel's table, every finding and log diffs");
  cmd->add_flag("-q,--quiet", o.quiet, "Print only the final verdict line");
}

void print_lines(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    std::fwrite(text.data() + start, 1, end - start, stdout);
    std::fflush(stdout);
    start = end;
  }
}

int print_delivery(const Delivery& d, const OutputArgs& out) {
  for (const auto& path : d.written)
    std::fprintf(stderr, "vmtest: wrote %s\n", path.c_str());
  print_lines(d.annotations);
  GateTextOptions text;
  text.color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  text.verbose = out.verbose;
  std::string rendered = render_gate_text(d.verdict, text);
  if (out.quiet) rendered = rendered.substr(rendered.rfind("\nvmtest: ") + 1);
  print_lines(rendered);
  return d.verdict.exit_code;
}

int print_verdict(const RunResults& results, const GateArgs& gate, const OutputArgs& out) {
  return print_delivery(judge_results(results, gate, out), out);
}

} // namespace vmtest
