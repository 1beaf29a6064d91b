// SPDX-License-Identifier: BSD-2-Clause
#include "cli/verdict_output.h"

#include "core/fs.h"
#include "gate/gate_text.h"
#include "gate/verdict_json.h"
#include "report/annotations.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/step_summary.h"
#include "results/byte_text.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
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
  cmd->add_option("--insns-pct", g.thresholds.insns_pct,
                  "Insns change (percent) that warns; both pct and abs must be exceeded")
      ->capture_default_str();
  cmd->add_option("--insns-abs", g.thresholds.insns_abs, "Insns change (absolute) that warns")
      ->capture_default_str();
  cmd->add_option("--states-pct", g.thresholds.states_pct, "States change (percent) that warns")
      ->capture_default_str();
  cmd->add_option("--states-abs", g.thresholds.states_abs, "States change (absolute) that warns")
      ->capture_default_str();
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

void add_output_options(CLI::App* cmd, OutputArgs& o, const std::string& html_flags) {
  if (!html_flags.empty()) cmd->add_option(html_flags, o.html, "Write the HTML report to FILE");
  cmd->add_option("--junit", o.junit, "Also write JUnit XML to FILE");
  cmd->add_option("--markdown", o.markdown, "Also write the markdown summary to FILE");
  cmd->add_option("--verdict-json", o.verdict_json,
                  "Also write the verdict (outcome, exit code, every finding) as JSON to FILE");
  cmd->add_flag("--step-summary", o.step_summary,
                "Append the markdown summary to $GITHUB_STEP_SUMMARY");
  cmd->add_flag("--annotations", o.annotations,
                "Print ::error annotations pointing at the bpf/corpus source of failing programs");
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

} // namespace

int deliver_verdict(const RunResults& results, const GateArgs& gate, const OutputArgs& out) {
  GateVerdict v = compute(results, gate);

  // Every file is written before anything is printed. One that cannot be written (a full disk)
  // is an ERROR finding of the verdict, so the verdict printed, and the one the other files
  // hold, is the final one: never "clean (exit 0)" followed by exit 2.
  struct FileOutput {
    fs::path path;
    const char* what;
    std::function<Result<std::string>(const ReportModel&)> render;
  };
  HtmlReportOptions html;
  StepSummaryOptions md;
  if (!out.html.empty()) {
    html.templates_dir = out.templates;
    html.logs_href_prefix = logs_href_prefix(out);
    md.report_name = out.html.filename().string();
  }
  std::vector<FileOutput> files;
  if (!out.html.empty())
    files.push_back({out.html, "HTML report",
                     [&](const ReportModel& m) { return render_html_report(m, html); }});
  if (!out.junit.empty())
    files.push_back({out.junit, "JUnit XML",
                     [&](const ReportModel& m) -> Result<std::string> { return render_junit(m); }});
  if (!out.markdown.empty())
    files.push_back(
        {out.markdown, "markdown summary",
         [&](const ReportModel& m) -> Result<std::string> { return render_step_summary(m, md); }});
  if (!out.verdict_json.empty())
    files.push_back(
        {out.verdict_json, "verdict JSON", [](const ReportModel& m) -> Result<std::string> {
           return dump_json(verdict_to_json(*m.verdict), 2) + "\n";
         }});
  auto write = [](const FileOutput& f, const ReportModel& m) -> Result<void> {
    auto text = f.render(m);
    if (!text) return text.error();
    return write_file_atomic(f.path, *text);
  };
  // One model per verdict: every format renders the same one.
  ReportModel model = build_report_model(results, v);
  std::vector<const FileOutput*> written;
  bool failed = false;
  for (const auto& f : files) {
    if (auto w = write(f, model); !w) {
      v.findings.push_back({FindingKind::OutputError, Severity::ERROR,
                            std::string("cannot write the ") + f.what + ": " + w.error().str()});
      failed = true;
    } else {
      written.push_back(&f);
    }
  }
  // GitHub collects this file per step and other tools may have written to it: append, once
  // the verdict is final.
  FILE* summary = nullptr;
  if (out.step_summary) {
    const char* target = std::getenv("GITHUB_STEP_SUMMARY");
    summary = target && *target ? std::fopen(target, "a") : nullptr;
    if (!summary) {
      v.findings.push_back({FindingKind::OutputError, Severity::ERROR,
                            "--step-summary: GITHUB_STEP_SUMMARY is not set or not writable"});
      failed = true;
    }
  }
  if (failed) {
    finalise(v);
    model = build_report_model(results, v);
    // The files written before the failure hold the verdict as it was then: rewrite them with
    // the final one, or remove them, so that no file says less than the truth.
    for (const FileOutput* f : written)
      if (!write(*f, model)) {
        std::error_code ec;
        fs::remove(f->path, ec);
      }
  }
  for (const FileOutput* f : written)
    if (std::error_code ec; fs::exists(f->path, ec))
      std::fprintf(stderr, "vmtest: wrote %s\n", f->path.c_str());
  if (summary) {
    const std::string text = render_step_summary(model, md);
    std::fwrite(text.data(), 1, text.size(), summary);
    std::fclose(summary);
  }
  if (out.annotations) {
    // Annotation paths are relative to the checkout; the sources may be named from anywhere.
    std::error_code ec;
    const fs::path given = annotation_root(out.repo_root, std::getenv("GITHUB_WORKSPACE"));
    const fs::path root = fs::absolute(given, ec).lexically_normal();
    const fs::path src = fs::absolute(out.sources, ec).lexically_normal();
    print_lines(render_annotations(model, root, src.lexically_relative(root).generic_string()));
  }

  GateTextOptions text;
  text.color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  text.verbose = out.verbose;
  std::string rendered = render_gate_text(v, text);
  if (out.quiet) rendered = rendered.substr(rendered.rfind("\nvmtest: ") + 1);
  print_lines(rendered);
  return v.exit_code;
}

} // namespace vmtest
