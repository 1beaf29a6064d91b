// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "report/annotations.h"
#include "report/report_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

namespace {

int line_of(const std::string& text, const std::string& needle) {
  const size_t pos = text.find(needle);
  if (pos == std::string::npos) return 0;
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

} // namespace

TEST(Annotations, FindsTheSecLineAboveTheDefinition) {
  const std::string src = "static long count_call(__u32 i, void* d) { return 0; }\n"
                          "\n"
                          "SEC(\"xdp\")\n"
                          "int xdp_bpf_loop(struct xdp_md* ctx) {\n"
                          "  return helper(xdp_bpf_loop_x(ctx));\n"
                          "}\n";
  EXPECT_EQ(find_program_line(src, "xdp_bpf_loop"), 3);
  EXPECT_EQ(find_program_line(src, "count_call"), 1);
  EXPECT_EQ(find_program_line(src, "helper"), 5) << "only a call: its line, as a fallback";
  EXPECT_EQ(find_program_line(src, "missing"), 0);
  EXPECT_EQ(find_program_line(src, "xdp_bpf"), 0) << "no partial identifiers";
}

TEST(Annotations, PointAtTheRealCorpusSource) {
  auto text = read_file(std::string(VMTEST_SOURCE_DIR) + "/bpf/corpus/bpf_loop.bpf.c");
  ASSERT_TRUE(text);
  const SourceLocation loc =
      locate_program(VMTEST_SOURCE_DIR, "bpf/corpus", "bpf_loop.bpf.o", "xdp_bpf_loop");
  EXPECT_EQ(loc.file, "bpf/corpus/bpf_loop.bpf.c");
  EXPECT_EQ(loc.line, line_of(*text, "SEC(\"xdp\")\nint xdp_bpf_loop"));
  // Unknown program: line 1. Unknown object, or one that tries to leave the corpus: no file.
  EXPECT_EQ(locate_program(VMTEST_SOURCE_DIR, "bpf/corpus", "bpf_loop.bpf.o", "nope").line, 1);
  EXPECT_EQ(locate_program(VMTEST_SOURCE_DIR, "bpf/corpus", "libxdp_x.o", "p").file, "");
  EXPECT_EQ(locate_program(VMTEST_SOURCE_DIR, "bpf/corpus", "../../etc/passwd.o", "p").file, "");
}

TEST(Annotations, OneErrorPerRegressedProgram) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const std::string out =
      render_annotations(build_report_model(run.after, run.verdict()), VMTEST_SOURCE_DIR);
  auto text = read_file(std::string(VMTEST_SOURCE_DIR) + "/bpf/corpus/bpf_loop.bpf.c");
  ASSERT_TRUE(text);
  const std::string line = std::to_string(line_of(*text, "SEC(\"xdp\")\nint xdp_bpf_loop"));
  EXPECT_EQ(out.rfind("::error file=bpf/corpus/bpf_loop.bpf.c,line=" + line +
                          ",title=xdp_bpf_loop%3A regressed on 6.1::6.1: accepted -> rejected",
                      0),
            0u)
      << out;
  EXPECT_NE(out.find("%0A  invalid func unknown#181%0A"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST(Annotations, EscapingCannotStartAnotherCommand) {
  EXPECT_EQ(annotation_data("50% done\n::error::x\r"), "50%25 done%0A::error::x%0D");
  EXPECT_EQ(annotation_property("a,b:c\n"), "a%2Cb%3Ac%0A");
  const RunResults run_ = load_run("xss_results.json");
  const std::string out =
      render_annotations(build_report_model(run_, verdict_alone(run_)), VMTEST_SOURCE_DIR);
  // Every annotation is one line that starts a command; the payload's "::error::" is data.
  size_t lines = 0;
  for (size_t start = 0; start < out.size();) {
    const size_t nl = out.find('\n', start);
    EXPECT_EQ(out.compare(start, 8, "::error "), 0) << out.substr(start, nl - start);
    ++lines;
    start = nl + 1;
  }
  EXPECT_EQ(lines, 2u);
}

} // namespace vmtest

namespace vmtest {

// GitHub resolves `file=` against the workspace, not the step's working-directory: without
// --repo-root the paths are relative to $GITHUB_WORKSPACE when it is set.
TEST(Annotations, PathsAreRelativeToTheWorkspaceWhereverVmtestRuns) {
  EXPECT_EQ(annotation_root("", "/home/runner/work/app/app"), "/home/runner/work/app/app");
  EXPECT_EQ(annotation_root("/elsewhere", "/home/runner/work/app/app"), "/elsewhere");
  EXPECT_EQ(annotation_root("", nullptr), ".");
  EXPECT_EQ(annotation_root("", ""), ".");
  // A project in a subfolder of the checkout: the annotation names the subfolder too.
  const std::string sub = std::filesystem::path(VMTEST_SOURCE_DIR).filename().string();
  testing::OneProgram run(testing::accepted("xdp_bpf_loop", 19),
                          testing::rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const std::string out = render_annotations(build_report_model(run.after, run.verdict()),
                                             VMTEST_SOURCE_DIR "/..", sub + "/bpf/corpus");
  EXPECT_EQ(out.rfind("::error file=" + sub + "/bpf/corpus/bpf_loop.bpf.c,line=", 0), 0u) << out;
}

} // namespace vmtest
