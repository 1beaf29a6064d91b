// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Every format the verdict can be rendered to, as one table: its name, its command-line flag,
// where it goes and how it is rendered from the ReportModel. `vmtest run`, `gate` and `report`
// register the flags and write the formats by iterating it (cli/verdict_output.cpp), so a new
// format is its render function in its own .cpp (declared here), its row below, and that .cpp
// in this folder's CMakeLists.txt.
#include "core/result.h"
#include "gate/verdict_json.h"
#include "report/annotations.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/report_model.h"
#include "report/step_summary.h"
#include "results/byte_text.h"

#include <array>
#include <filesystem>
#include <string>

namespace vmtest {

enum class FormatTarget {
  File,        // written atomically to the FILE given with its flag, before anything is printed
  StepSummary, // a flag: appended to $GITHUB_STEP_SUMMARY once the verdict is final
  Stdout,      // a flag: printed, after the files are written
};

// What renderers need besides the model, worked out once from the command's options.
struct FormatOptions {
  HtmlReportOptions html;
  StepSummaryOptions summary;
  std::filesystem::path annotation_root; // what annotation file= paths are relative to
  std::string annotation_sources;        // the corpus' *.bpf.c, relative to annotation_root
};

using RenderFormat = Result<std::string> (*)(const ReportModel& model,
                                             const FormatOptions& options);

struct ReportFormat {
  const char* name; // "junit"; also the key of OutputArgs' per-format values
  const char* flag; // CLI11 names, "--junit"; "" when each command names it (the HTML report)
  const char* help;
  const char* what; // for messages: "cannot write the JUnit XML"
  FormatTarget target;
  RenderFormat render;
};

// In the order the files are written and the flags are listed in --help.
inline constexpr std::array kReportFormats{
    ReportFormat{
        "html", "", "Write the HTML report to FILE", "HTML report", FormatTarget::File,
        [](const ReportModel& m, const FormatOptions& o) { return render_html_report(m, o.html); }},
    ReportFormat{"junit", "--junit", "Also write JUnit XML to FILE", "JUnit XML",
                 FormatTarget::File,
                 [](const ReportModel& m, const FormatOptions&) -> Result<std::string> {
                   return render_junit(m);
                 }},
    ReportFormat{"markdown", "--markdown", "Also write the markdown summary to FILE",
                 "markdown summary", FormatTarget::File,
                 [](const ReportModel& m, const FormatOptions& o) -> Result<std::string> {
                   return render_step_summary(m, o.summary);
                 }},
    ReportFormat{"verdict_json", "--verdict-json",
                 "Also write the verdict (outcome, exit code, every finding) as JSON to FILE",
                 "verdict JSON", FormatTarget::File,
                 [](const ReportModel& m, const FormatOptions&) -> Result<std::string> {
                   return dump_json(verdict_to_json(*m.verdict), 2) + "\n";
                 }},
    ReportFormat{"step_summary", "--step-summary",
                 "Append the markdown summary to $GITHUB_STEP_SUMMARY", "step summary",
                 FormatTarget::StepSummary,
                 [](const ReportModel& m, const FormatOptions& o) -> Result<std::string> {
                   return render_step_summary(m, o.summary);
                 }},
    ReportFormat{"annotations", "--annotations",
                 "Print ::error annotations pointing at the bpf/corpus source of failing programs",
                 "annotations", FormatTarget::Stdout,
                 [](const ReportModel& m, const FormatOptions& o) -> Result<std::string> {
                   return render_annotations(m, o.annotation_root, o.annotation_sources);
                 }},
};

} // namespace vmtest
