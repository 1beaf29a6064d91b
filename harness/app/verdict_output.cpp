// SPDX-License-Identifier: BSD-2-Clause
#include "app/verdict_output.h"

#include "report/write_reports.h"

namespace vmtest {
namespace fs = std::filesystem;

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

// What the renderers need from the command's options.
FormatOptions format_options(const OutputArgs& out, const EnvLookup& env) {
  FormatOptions o;
  if (!out.html.empty()) {
    o.html.templates_dir = out.templates;
    o.html.logs_href_prefix = logs_href_prefix(out);
    o.summary.report_name = out.html.filename().string();
  }
  // Annotation paths are relative to the checkout; the sources may be named from anywhere.
  std::error_code ec;
  const std::string workspace = env("GITHUB_WORKSPACE");
  const fs::path given = annotation_root(out.repo_root, workspace.c_str());
  o.annotation_root = fs::absolute(given, ec).lexically_normal();
  const fs::path src = fs::absolute(out.sources, ec).lexically_normal();
  o.annotation_sources = src.lexically_relative(o.annotation_root).generic_string();
  return o;
}

// Which formats the command asked for, by the names of report/report_formats.h.
ReportRequests requests_of(const OutputArgs& out, const EnvLookup& env) {
  ReportRequests r;
  for (const ReportFormat& f : kReportFormats)
    if (f.target == FormatTarget::File)
      r.files.emplace(f.name, out.file(f.name));
    else if (out.flag(f.name))
      r.flags.insert(f.name);
  r.step_summary_file = env("GITHUB_STEP_SUMMARY");
  return r;
}

} // namespace

Delivery deliver_verdict(const RunResults& results, const GateInputs& gate, const OutputArgs& out,
                         const EnvLookup& env) {
  Delivery d;
  d.verdict = evaluate_gate(results, gate);
  // Every file is written before anything is printed, and a file that cannot be written makes
  // the verdict an error: the verdict printed is the one the files hold.
  WrittenReports w =
      write_reports(results, d.verdict, requests_of(out, env), format_options(out, env));
  d.written = std::move(w.written);
  d.annotations = std::move(w.printed);
  return d;
}

Delivery judge_results(const RunResults& results, const GateOptions& gate, const OutputArgs& out,
                       const EnvLookup& env) {
  return deliver_verdict(results, resolve_gate(gate, scope_of(results)), out, env);
}

} // namespace vmtest
