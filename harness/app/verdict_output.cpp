// SPDX-License-Identifier: BSD-2-Clause
#include "app/verdict_output.h"

#include "core/fs.h"
#include "gate/verdict_json.h"
#include "report/annotations.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/step_summary.h"
#include "results/byte_text.h"

#include <cstdio>
#include <cstdlib>
#include <functional>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

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

Delivery deliver_verdict(const RunResults& results, const GateInputs& gate, const OutputArgs& out,
                         const EnvLookup& env) {
  Delivery d;
  d.verdict = evaluate_gate(results, gate);
  GateVerdict& v = d.verdict;

  // Every file is written before anything is printed. One that cannot be written (a full disk)
  // is an ERROR finding of the verdict, so the verdict printed, and the one the other files
  // hold, is the final one: never "clean (exit 0)" followed by exit 2.
  struct FileOutput {
    fs::path path;
    const char* what;
    std::function<Result<std::string>(const GateVerdict&)> render;
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
    files.push_back({out.html, "HTML report", [&](const GateVerdict& gv) {
                       return render_html_report(results, gv, html);
                     }});
  if (!out.junit.empty())
    files.push_back({out.junit, "JUnit XML", [&](const GateVerdict& gv) -> Result<std::string> {
                       return render_junit(results, gv);
                     }});
  if (!out.markdown.empty())
    files.push_back({out.markdown, "markdown summary",
                     [&](const GateVerdict& gv) -> Result<std::string> {
                       return render_step_summary(results, gv, md);
                     }});
  if (!out.verdict_json.empty())
    files.push_back({out.verdict_json, "verdict JSON",
                     [](const GateVerdict& gv) -> Result<std::string> {
                       return dump_json(verdict_to_json(gv), 2) + "\n";
                     }});
  auto write = [](const FileOutput& f, const GateVerdict& gv) -> Result<void> {
    auto text = f.render(gv);
    if (!text) return text.error();
    return write_file_atomic(f.path, *text);
  };
  std::vector<const FileOutput*> written;
  bool failed = false;
  for (const auto& f : files) {
    if (auto w = write(f, v); !w) {
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
    const std::string target = env("GITHUB_STEP_SUMMARY");
    summary = !target.empty() ? std::fopen(target.c_str(), "a") : nullptr;
    if (!summary) {
      v.findings.push_back({FindingKind::OutputError, Severity::ERROR,
                            "--step-summary: GITHUB_STEP_SUMMARY is not set or not writable"});
      failed = true;
    }
  }
  if (failed) {
    finalise(v);
    // The files written before the failure hold the verdict as it was then: rewrite them with
    // the final one, or remove them, so that no file says less than the truth.
    for (const FileOutput* f : written)
      if (!write(*f, v)) {
        std::error_code ec;
        fs::remove(f->path, ec);
      }
  }
  for (const FileOutput* f : written)
    if (std::error_code ec; fs::exists(f->path, ec)) d.written.push_back(f->path);
  if (summary) {
    const std::string text = render_step_summary(results, v, md);
    std::fwrite(text.data(), 1, text.size(), summary);
    std::fclose(summary);
  }
  if (out.annotations) {
    // Annotation paths are relative to the checkout; the sources may be named from anywhere.
    std::error_code ec;
    const std::string workspace = env("GITHUB_WORKSPACE");
    const fs::path given = annotation_root(out.repo_root, workspace.c_str());
    const fs::path root = fs::absolute(given, ec).lexically_normal();
    const fs::path src = fs::absolute(out.sources, ec).lexically_normal();
    d.annotations =
        render_annotations(results, v, root, src.lexically_relative(root).generic_string());
  }
  return d;
}

Delivery judge_results(const RunResults& results, const GateOptions& gate, const OutputArgs& out,
                       const EnvLookup& env) {
  return deliver_verdict(results, resolve_gate(gate, scope_of(results)), out, env);
}

} // namespace vmtest
