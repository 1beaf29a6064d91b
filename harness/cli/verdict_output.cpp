// SPDX-License-Identifier: BSD-2-Clause
#include "cli/verdict_output.h"

#include "core/fs.h"
#include "gate/gate_text.h"
#include "report/write_reports.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

void add_gate_options(CLI::App* cmd, GateArgs& g, bool with_no_gate, bool with_kernels) {
  cmd->add_option("--baselines", g.baselines, "Directory of <kernel>.json baselines")
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

GateOptions resolve_gate(const GateArgs& g, const RunResults& results) {
  GateOptions o;
  const bool given = g.baselines_explicit;
  o.baselines_dir = g.baselines;
  o.baselines_explicit = given;
  if (g.no_gate) {
    o.compare = false;
    o.not_compared_reason = "--no-gate";
  } else if (!given && results.corpus && !results.corpus->bundled) {
    o.compare = false;
    o.not_compared_reason =
        "the corpus is not the project's own (vmtest.yaml's) and no --baselines was given "
        "(record some with `vmtest baseline update --corpus DIR --baselines DIR2`)";
  }
  o.policy = g.policy;
  o.strict = g.strict;
  o.thresholds = g.thresholds;
  o.kernels = g.kernels;
  return o;
}

fs::path& OutputArgs::file(std::string_view format) {
  if (format == "html") return html;
  if (format == "junit") return junit;
  if (format == "markdown") return markdown;
  if (format == "verdict_json") return verdict_json;
  return files.try_emplace(std::string(format)).first->second;
}

const fs::path& OutputArgs::file(std::string_view format) const {
  static const fs::path kNone;
  if (format == "html") return html;
  if (format == "junit") return junit;
  if (format == "markdown") return markdown;
  if (format == "verdict_json") return verdict_json;
  auto it = files.find(format);
  return it == files.end() ? kNone : it->second;
}

bool& OutputArgs::flag(std::string_view format) {
  return flags.try_emplace(std::string(format)).first->second;
}

bool OutputArgs::flag(std::string_view format) const {
  auto it = flags.find(format);
  return it != flags.end() && it->second;
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

namespace {

GateVerdict compute(const RunResults& results, const GateArgs& gate) {
  auto in = load_gate_inputs(results, resolve_gate(gate, results));
  if (in) return evaluate_gate(results, *in);
  // A corrupt baseline or policy must not pass, and must not hide what the run did either:
  // judge without baselines and add the error, which makes the outcome exit 2 at least.
  GateInputs fallback;
  fallback.compare = false;
  fallback.not_compared_reason = "the baselines or the policy could not be read";
  GateVerdict v = evaluate_gate(results, fallback);
  v.findings.insert(v.findings.begin(), {FindingKind::BadInput, Severity::ERROR, in.error().str()});
  finalise(v);
  return v;
}

// The report links full logs by paths relative to results.json's folder; from the report's own
// folder that folder is this prefix ("" when they are the same).
std::string logs_href_prefix(const OutputArgs& out) {
  std::error_code ec;
  const fs::path from = fs::absolute(out.html, ec).parent_path();
  const fs::path to = fs::absolute(out.results_dir.empty() ? fs::path(".") : out.results_dir, ec);
  fs::path rel = fs::weakly_canonical(to, ec).lexically_relative(fs::weakly_canonical(from, ec));
  if (rel.empty() || rel == ".") return "";
  return rel.generic_string() + "/";
}

// What the renderers need from the command's options.
FormatOptions format_options(const OutputArgs& out) {
  FormatOptions o;
  if (!out.html.empty()) {
    o.html.templates_dir = out.templates;
    o.html.logs_href_prefix = logs_href_prefix(out);
    o.summary.report_name = out.html.filename().string();
  }
  // Annotation paths are relative to the checkout; the sources may be named from anywhere.
  std::error_code ec;
  const fs::path given = annotation_root(out.repo_root, std::getenv("GITHUB_WORKSPACE"));
  o.annotation_root = fs::absolute(given, ec).lexically_normal();
  const fs::path src = fs::absolute(out.sources, ec).lexically_normal();
  o.annotation_sources = src.lexically_relative(o.annotation_root).generic_string();
  return o;
}

// Which formats the command asked for, by the names of report/report_formats.h.
ReportRequests requests_of(const OutputArgs& out) {
  ReportRequests r;
  for (const ReportFormat& f : kReportFormats)
    if (f.target == FormatTarget::File)
      r.files.emplace(f.name, out.file(f.name));
    else if (out.flag(f.name))
      r.flags.insert(f.name);
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY")) r.step_summary_file = summary;
  return r;
}

} // namespace

int deliver_verdict(const RunResults& results, const GateArgs& gate, const OutputArgs& out) {
  GateVerdict v = compute(results, gate);
  // Every file is written before anything is printed, and a file that cannot be written makes
  // the verdict an error: the verdict printed is the one the files hold.
  const WrittenReports reports = write_reports(results, v, requests_of(out), format_options(out));
  for (const auto& path : reports.written)
    std::fprintf(stderr, "vmtest: wrote %s\n", path.c_str());
  print_lines(reports.printed);

  GateTextOptions text;
  text.color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  text.verbose = out.verbose;
  std::string rendered = render_gate_text(v, text);
  if (out.quiet) rendered = rendered.substr(rendered.rfind("\nvmtest: ") + 1);
  print_lines(rendered);
  return v.exit_code;
}

} // namespace vmtest
