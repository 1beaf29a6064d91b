// vmtest report: renders a finished run for humans (HTML) and for CI (JUnit, step summary,
// annotations). It compares against baselines only when --baselines is given; without them
// the report shows each kernel's verdicts as they are.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "baseline/baseline_file.h"
#include "baseline/classify.h"
#include "baseline/policy.h"
#include "cli/command.h"
#include "cli/paths.h"
#include "core/fs.h"
#include "report/annotations.h"
#include "report/html_report.h"
#include "report/verdict_matrix.h"
#include "report/junit.h"
#include "report/step_summary.h"

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct ReportArgs {
  fs::path results;
  fs::path baselines;  // empty: no comparison
  fs::path policy;
  fs::path out;  // empty: report.html next to RESULTS
  fs::path junit;
  fs::path markdown;
  fs::path verdict_matrix;
  bool step_summary = false;
  bool annotations = false;
  fs::path templates;
  fs::path repo_root = ".";
};

RunResults load_results_or_throw(const fs::path& path) {
  auto text = read_file(path);
  if (!text) throw FatalError(text.error().str());
  try {
    return nlohmann::json::parse(*text).get<RunResults>();
  } catch (const nlohmann::json::exception& e) {
    throw FatalError(path.string() + ": not a results.json: " + e.what());
  }
}

// Each kernel that gave verdicts is compared with <dir>/<kernel>.json when that file exists.
// A kernel without a baseline file is shown with its plain verdicts; a baseline that exists
// but cannot be read is an error, never "no baseline".
std::vector<DiffReport> diff_with_baselines(const RunResults& run, const fs::path& dir,
                                            const Policy& policy) {
  std::vector<DiffReport> diffs;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw FatalError(dir.string() + ": no such baseline directory");
  for (const auto& k : run.kernels) {
    if (k.status == "skipped") continue;
    const fs::path file = baseline_path(dir, k.name);
    if (!fs::exists(file, ec)) {
      std::fprintf(stderr, "vmtest: no baseline for kernel %s (%s)\n", k.name.c_str(), file.c_str());
      continue;
    }
    auto base = load_baseline(file);
    if (!base) throw FatalError(base.error().str());
    diffs.push_back(diff_kernel(*base, k, policy, Thresholds{}));
  }
  return diffs;
}

void write_or_throw(const fs::path& path, const std::string& text, const char* what) {
  auto w = write_file_atomic(path, text);
  if (!w) throw FatalError(std::string("cannot write the ") + what + ": " + w.error().str());
  std::fprintf(stderr, "vmtest: wrote %s\n", path.c_str());
}

int do_report(const ReportArgs& a) {
  const RunResults run = load_results_or_throw(a.results);
  Policy policy;
  if (!a.policy.empty()) {
    auto p = load_policy(a.policy);
    if (!p) throw FatalError(p.error().str());
    policy = std::move(*p);
  }
  std::vector<DiffReport> diffs;
  if (!a.baselines.empty()) diffs = diff_with_baselines(run, a.baselines, policy);

  HtmlReportOptions html;
  html.templates_dir = a.templates;
  const fs::path out = a.out.empty() ? a.results.parent_path() / "report.html" : a.out;
  auto w = write_html_report(run, diffs, out, html);
  if (!w) throw FatalError(w.error().str());
  std::fprintf(stderr, "vmtest: wrote %s\n", out.c_str());

  if (!a.junit.empty()) write_or_throw(a.junit, render_junit(run, diffs), "JUnit XML");
  StepSummaryOptions md;
  md.report_name = out.filename().string();
  if (!a.markdown.empty()) write_or_throw(a.markdown, render_step_summary(run, diffs, md), "markdown summary");
  if (!a.verdict_matrix.empty())
    write_or_throw(a.verdict_matrix, render_verdict_matrix(run), "verdict matrix");
  if (a.step_summary) {
    // GitHub collects this file per step and other tools may have written to it: append.
    const char* target = std::getenv("GITHUB_STEP_SUMMARY");
    if (!target || !*target) throw FatalError("--step-summary: GITHUB_STEP_SUMMARY is not set");
    FILE* f = std::fopen(target, "a");
    if (!f) throw FatalError(std::string("cannot open ") + target);
    const std::string text = render_step_summary(run, diffs, md);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  if (a.annotations) {
    const std::string text = render_annotations(run, diffs, a.repo_root);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report", "Render results.json as an HTML report, JUnit XML, a markdown summary or "
                "GitHub annotations (exit 0 when written; the gate is `vmtest run`)");
  cmd->add_option("results", a->results, "results.json of a run")->required()->check(CLI::ExistingFile);
  cmd->add_option("--baselines", a->baselines,
                  "Compare with DIR/<kernel>.json (default: no comparison, verdicts only)");
  cmd->add_option("--policy", a->policy, "Policy file with expected failures and thresholds")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", a->out, "HTML report to write (default: report.html next to RESULTS)");
  cmd->add_option("--junit", a->junit, "Also write JUnit XML to FILE");
  cmd->add_option("--markdown", a->markdown, "Also write the markdown summary to FILE");
  cmd->add_option("--verdict-matrix", a->verdict_matrix,
                  "Also write the program x kernel verdict matrix (markdown) to FILE");
  cmd->add_flag("--step-summary", a->step_summary, "Append the markdown summary to $GITHUB_STEP_SUMMARY");
  cmd->add_flag("--annotations", a->annotations,
                "Print ::error annotations pointing at the bpf/corpus source of failing programs");
  cmd->add_option("--repo-root", a->repo_root,
                  "Checkout that holds bpf/corpus, for annotation paths")->capture_default_str();
  cmd->add_option("--templates", a->templates,
                  "Read templates from DIR instead of the ones built in (for editing them)");
  out.push_back({cmd, [a] { return do_report(*a); }});
}

}  // namespace vmtest
