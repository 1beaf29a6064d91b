// SPDX-License-Identifier: BSD-2-Clause
#include "report/write_reports.h"

#include "core/fs.h"

#include <cstdio>

namespace vmtest {
namespace fs = std::filesystem;

WrittenReports write_reports(const RunResults& results, GateVerdict& verdict,
                             const ReportRequests& requests, const FormatOptions& options) {
  struct FileOutput {
    const ReportFormat* format;
    fs::path path;
  };
  std::vector<FileOutput> files;
  std::vector<const ReportFormat*> appended, printed;
  for (const ReportFormat& f : kReportFormats) {
    if (f.target == FormatTarget::File) {
      if (auto it = requests.files.find(f.name); it != requests.files.end() && !it->second.empty())
        files.push_back({&f, it->second});
    } else if (requests.flags.count(f.name)) {
      (f.target == FormatTarget::StepSummary ? appended : printed).push_back(&f);
    }
  }
  auto write = [&options](const FileOutput& f, const ReportModel& m) -> Result<void> {
    auto text = f.format->render(m, options);
    if (!text) return text.error();
    return write_file_atomic(f.path, *text, Durability::Replace);
  };

  // One model per verdict: every format renders the same one.
  ReportModel model = build_report_model(results, verdict);
  std::vector<const FileOutput*> written;
  bool failed = false;
  for (const auto& f : files) {
    if (auto w = write(f, model); !w) {
      verdict.findings.push_back(
          {FindingKind::OutputError, Severity::ERROR,
           std::string("cannot write the ") + f.format->what + ": " + w.error().str()});
      failed = true;
    } else {
      written.push_back(&f);
    }
  }
  // GitHub collects this file per step and other tools may have written to it: append, once
  // the verdict is final.
  FILE* summary = nullptr;
  if (!appended.empty()) {
    const std::string& target = requests.step_summary_file;
    summary = target.empty() ? nullptr : std::fopen(target.c_str(), "a");
    if (!summary) {
      verdict.findings.push_back({FindingKind::OutputError, Severity::ERROR,
                                  std::string(appended.front()->flag) +
                                      ": GITHUB_STEP_SUMMARY is not set or not writable"});
      failed = true;
    }
  }
  if (failed) {
    finalise(verdict);
    model = build_report_model(results, verdict);
    for (const FileOutput* f : written)
      if (!write(*f, model)) {
        std::error_code ec;
        fs::remove(f->path, ec);
      }
  }

  WrittenReports out;
  for (const FileOutput* f : written)
    if (std::error_code ec; fs::exists(f->path, ec)) out.written.push_back(f->path);
  // The verdict is final from here on: a format that cannot be rendered now can only say so.
  auto render_final = [&](const ReportFormat& f) -> std::string {
    auto text = f.render(model, options);
    if (text) return *text;
    std::fprintf(stderr, "vmtest: cannot render the %s: %s\n", f.what, text.error().str().c_str());
    return "";
  };
  if (summary) {
    for (const ReportFormat* f : appended) {
      const std::string text = render_final(*f);
      std::fwrite(text.data(), 1, text.size(), summary);
    }
    std::fclose(summary);
  }
  for (const ReportFormat* f : printed)
    out.printed += render_final(*f);
  return out;
}

} // namespace vmtest
