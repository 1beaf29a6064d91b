// SPDX-License-Identifier: BSD-2-Clause
#include "report/report_fixtures.h"
#include "report/report_formats.h"

#include <gtest/gtest.h>
#include <set>

namespace vmtest {
using namespace vmtest::testing;

// Names key the command's options and flags are CLI11 option names: both must be unique.
TEST(ReportFormats, NamesAndFlagsAreUnique) {
  std::set<std::string> names, flags;
  for (const ReportFormat& f : kReportFormats) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    if (*f.flag) EXPECT_TRUE(flags.insert(f.flag).second) << f.flag;
    EXPECT_TRUE(*f.flag || f.target == FormatTarget::File)
        << f.name << ": a flag format needs its flag";
    EXPECT_NE(std::string(f.help), "");
    EXPECT_NE(std::string(f.what), "");
  }
  EXPECT_TRUE(names.count("html")) << "commands name the HTML report's option themselves";
}

// Each row renders its own format from the one model it is given.
TEST(ReportFormats, EachRowRendersItsFormatFromTheModel) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const GateVerdict v = run.verdict();
  const ReportModel m = build_report_model(run.after, v);
  FormatOptions o;
  o.annotation_root = VMTEST_SOURCE_DIR;
  o.annotation_sources = "bpf/corpus";
  std::map<std::string, std::string> out;
  for (const ReportFormat& f : kReportFormats) {
    auto text = f.render(m, o);
    ASSERT_TRUE(text) << f.name << ": " << text.error().str();
    out[f.name] = *text;
  }
  EXPECT_EQ(out.at("html"), *render_html_report(m, o.html));
  EXPECT_EQ(out.at("junit"), render_junit(m));
  EXPECT_EQ(out.at("markdown"), render_step_summary(m, o.summary));
  EXPECT_EQ(out.at("step_summary"), render_step_summary(m, o.summary));
  EXPECT_NE(out.at("verdict_json").find("\"exit_code\": 1"), std::string::npos)
      << out.at("verdict_json");
  EXPECT_EQ(out.at("annotations"), render_annotations(m, o.annotation_root, "bpf/corpus"));
  EXPECT_NE(out.at("annotations").find("file=bpf/corpus/bpf_loop.bpf.c"), std::string::npos)
      << out.at("annotations");
}

} // namespace vmtest
