// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "report/report_fixtures.h"
#include "report/write_reports.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() : path(*make_temp_dir(fs::temp_directory_path(), "vmtest-write-reports-")) {}
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read(const fs::path& p) {
  auto text = read_file(p);
  return text ? *text : "<missing>";
}

} // namespace

TEST(WriteReports, EveryRequestedFormatFromOneVerdict) {
  TempDir dir;
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  GateVerdict v = run.verdict();
  ReportRequests r;
  r.files = {{"junit", dir.path / "junit.xml"},
             {"verdict_json", dir.path / "verdict.json"},
             {"markdown", ""}}; // not asked for
  r.flags = {"annotations", "step_summary"};
  r.step_summary_file = (dir.path / "summary.md").string();
  ASSERT_TRUE(write_file_atomic(r.step_summary_file, "earlier step\n"));
  FormatOptions o;
  o.annotation_root = VMTEST_SOURCE_DIR;
  o.annotation_sources = "bpf/corpus";

  const WrittenReports w = write_reports(run.after, v, r, o);
  EXPECT_EQ(w.written, (std::vector<fs::path>{dir.path / "junit.xml", dir.path / "verdict.json"}));
  EXPECT_FALSE(fs::exists(dir.path / "summary.md.md"));
  EXPECT_EQ(v.exit_code, 1);
  const ReportModel m = build_report_model(run.after, v);
  EXPECT_EQ(read(dir.path / "junit.xml"), render_junit(m));
  EXPECT_EQ(read(dir.path / "summary.md"), "earlier step\n" + render_step_summary(m, o.summary))
      << "the step summary is appended to";
  EXPECT_EQ(w.printed, render_annotations(m, o.annotation_root, o.annotation_sources));
}

// A file that cannot be written is an error of the verdict, and the files already written are
// rewritten so that they say so too.
TEST(WriteReports, AFileThatCannotBeWrittenIsAnErrorEveryFileHolds) {
  TempDir dir;
  RunResults run;
  run.kernels.push_back(with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10)})}));
  GateVerdict v = verdict_alone(run);
  ASSERT_EQ(v.exit_code, 0);
  ReportRequests r;
  r.files = {{"markdown", dir.path / "summary.md"},
             {"verdict_json", "/proc/version/verdict.json"}}; // not a directory
  const WrittenReports w = write_reports(run, v, r, {});
  EXPECT_EQ(v.exit_code, 2);
  ASSERT_FALSE(v.findings.empty());
  EXPECT_EQ(v.findings.back().kind, FindingKind::OutputError);
  EXPECT_NE(v.findings.back().message.find("cannot write the verdict JSON"), std::string::npos);
  EXPECT_EQ(w.written, std::vector<fs::path>{dir.path / "summary.md"});
  // Rewritten from the final verdict's model: its headline says exit 2 now.
  EXPECT_EQ(read(dir.path / "summary.md"), render_step_summary(build_report_model(run, v)));
  EXPECT_NE(read(dir.path / "summary.md").find("⛔"), std::string::npos);
}

TEST(WriteReports, AStepSummaryWithNowhereToGoIsAnError) {
  RunResults run;
  run.kernels.push_back(with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10)})}));
  GateVerdict v = verdict_alone(run);
  ReportRequests r;
  r.flags = {"step_summary"};
  write_reports(run, v, r, {});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_EQ(v.findings.back().message,
            "--step-summary: GITHUB_STEP_SUMMARY is not set or not writable");
}

} // namespace vmtest
