// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "report/html_report.h"
#include "report/report_fixtures.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;
namespace fs = std::filesystem;

namespace {

std::string render(const RunResults& run, const GateVerdict& v) {
  auto html = render_html_report(run, v);
  EXPECT_TRUE(html) << html.error().str();
  return html ? *html : "";
}

std::string render_alone(const RunResults& run) {
  return render(run, verdict_alone(run));
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1))
    ++n;
  return n;
}

} // namespace

TEST(HtmlEscape, EscapesMarkupQuotesAndAttributeBreakers) {
  EXPECT_EQ(html_escape("<a href=\"x\" title='y'>&`"),
            "&lt;a href&#61;&quot;x&quot; title&#61;&#39;y&#39;&gt;&amp;&#96;");
  EXPECT_EQ(html_escape("r1 += 2"), "r1 +&#61; 2");
  EXPECT_EQ(html_escape("plain µs"), "plain µs");
}

TEST(SideBySide, PairsRemovedWithAddedLines) {
  const auto rows = side_by_side({"a", "old 1", "old 2", "z"}, {"new", "a", "new 1", "z", "tail"});
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].kind, "added");
  EXPECT_EQ(rows[0].right, "new");
  EXPECT_EQ(rows[1].kind, "same");
  EXPECT_EQ(rows[2].kind, "changed");
  EXPECT_EQ(rows[2].left, "old 1");
  EXPECT_EQ(rows[2].right, "new 1");
  EXPECT_EQ(rows[3].kind, "removed");
  EXPECT_EQ(rows[3].left, "old 2");
  EXPECT_EQ(rows[4].kind, "same");
  EXPECT_EQ(rows[5].kind, "added");
  EXPECT_EQ(rows[5].right, "tail");
}

TEST(HtmlReport, RealRunIsSelfContained) {
  const std::string html = render_alone(load_run("real_results.json"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  // The quotes of the CSP source are escaped like any attribute text; the browser decodes them.
  EXPECT_NE(html.find("script-src &#39;sha256-"), std::string::npos);
  // Nothing is loaded from anywhere: no src/href to another document, no external stylesheet.
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(count(html, "<script"), 1u);
  // No template tag was left unrendered.
  EXPECT_EQ(html.find("{{"), std::string::npos);
  // Content: kernels with their build, the objects' hashes, the toolchain.
  EXPECT_NE(html.find("linux-image-6.12.107+deb13-cloud-amd64"), std::string::npos);
  EXPECT_NE(html.find("2e141d21dc8fa57e2ab27a7d3757c058d9405b5c27e86707497ce915cc615c1b"),
            std::string::npos);
  EXPECT_NE(html.find("11f29ab9153a9f7fa4276c615e89db0ab01e8e3dffa2b037c05f60c05684da1a"),
            std::string::npos);
  EXPECT_NE(html.find("Debian clang version 14.0.6"), std::string::npos);
  EXPECT_NE(html.find("No baselines were given"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"row "), 26u);
}

TEST(HtmlReport, RegressionRowIsMarkedWithBothLogs) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const auto v = run.verdict();
  const std::string html = render(run.after, v);
  EXPECT_NE(html.find("data-verdict=\"fail\""), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"row sev-fail\""), std::string::npos);
  EXPECT_NE(html.find("class=\"cell st-regressed sev-fail\""), std::string::npos);
  EXPECT_NE(html.find("baseline log tail"), std::string::npos);
  // The rejection line is shown on the current side as an added/changed line.
  EXPECT_NE(html.find("invalid func unknown#181"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"l-changed\">"), std::string::npos);
}

TEST(HtmlReport, XssFixtureIsOnlyText) {
  const RunResults run = load_run("xss_results.json");
  // Also through the diff path: a baseline whose log tail differs, so the side-by-side view
  // and the findings carry the payloads too.
  RunResults reference = run;
  reference.kernels[0].objects[0].programs[0].verdict = Verdict::Accepted;
  reference.kernels[0].objects[0].programs[0].log_tail.push_back("<b>was accepted</b>");
  for (const auto& v : {verdict_alone(run), verdict_against(reference, run)}) {
    const std::string html = render(run, v);
    for (const char* raw :
         {"<img", "<svg", "<iframe", "<script>document", "</script><script>", "<b>14</b>", "<b>was",
          "<i>x</i>", "\" onmouseover", "' onfocus", "<b onmouseover"})
      EXPECT_EQ(html.find(raw), std::string::npos) << raw;
    EXPECT_EQ(count(html, "<script"), 1u);
    EXPECT_EQ(count(html, "</script>"), 1u);
    EXPECT_NE(
        html.find(
            "&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;program&#39;)"),
        std::string::npos);
    EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;document.body"), std::string::npos);
    // Data that looks like a template is printed, never expanded.
    EXPECT_NE(html.find("{{#rows}}not a template{{/rows}} {{{headline}}}"), std::string::npos);
  }
}

TEST(HtmlReport, TemplatesFromADirectory) {
  const fs::path dir = fs::path(VMTEST_SOURCE_DIR) / "reports" / "templates";
  HtmlReportOptions o;
  o.templates_dir = dir;
  const RunResults run = load_run("real_results.json");
  auto html = render_html_report(run, verdict_alone(run), o);
  ASSERT_TRUE(html) << html.error().str();
  EXPECT_EQ(*html, render_alone(load_run("real_results.json"))) << "embedded templates are stale";

  o.templates_dir = fs::path(VMTEST_TEST_DATA) / "report"; // holds no templates
  auto bad = render_html_report(run, verdict_alone(run), o);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().str().find("report.html.mustache"), std::string::npos);
}

TEST(HtmlReport, WriteIsAtomicAndComplete) {
  auto dir = make_temp_dir(fs::temp_directory_path(), "vmtest-report-");
  ASSERT_TRUE(dir);
  const fs::path out = *dir / "report.html";
  const RunResults run = load_run("real_results.json");
  auto w = write_html_report(run, verdict_alone(run), out);
  ASSERT_TRUE(w) << w.error().str();
  auto text = read_file(out);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("</html>"), std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(*dir), fs::directory_iterator()), 1);
  fs::remove_all(*dir);
}

} // namespace vmtest

namespace vmtest {

// A rejection is linked to the capability the kernel lacks, using the real 5.10 probe.
TEST(HtmlReport, RejectionNamesTheMissingHelperFromTheProbe) {
  auto probe = read_file(VMTEST_TEST_DATA "/capabilities/5.10.json");
  ASSERT_TRUE(probe.ok());
  RunResults run;
  run.kernels.push_back(
      probed("5.10", nlohmann::json::parse(*probe),
             {rejected_with_log("xdp_bpf_loop", "xdp",
                                {"0: (b7) r1 = 10", "unknown func bpf_loop#181"}, EINVAL)}));
  auto html = render_html_report(run, verdict_alone(run));
  ASSERT_TRUE(html.ok()) << html.error().str();
  EXPECT_NE(html->find("<p class=\"cause\">bpf_loop is absent on 5.10</p>"), std::string::npos);
}

TEST(HtmlReport, KernelCardsShowWhatIsClosestToTheLimit) {
  RunResults run;
  KernelResult k = kernel("4.18");
  ProgramResult p = accepted("xdp_unroll64", 120000);
  p.metrics[Metric::InsnLimit] = 131072;
  p.metrics[Metric::StackDepth] = 16;
  k.objects.push_back(object("unroll64.bpf.o", "s", {p}));
  run.kernels.push_back(k);
  const std::string html = render_alone(run);
  EXPECT_NE(html.find("<caption>Closest to the limit</caption>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"sev-fail\"><td>unroll64.bpf.o/xdp_unroll64</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("title=\"insns 120000 of 131072 (91.6%)\" class=\"top\">91.6%</td>"),
            std::string::npos);
  EXPECT_NE(html.find("title=\"not known\" >-</td>"), std::string::npos); // no map count
}

} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;

TEST(HtmlReport, LinksAFullLogRelativeToTheReportAndShowsLineCosts) {
  RunResults run;
  KernelResult k;
  k.name = "6.12";
  ObjectResult o;
  o.name = "loop.bpf.o";
  ProgramResult p;
  p.name = "xdp_loop";
  p.prog_type = "xdp";
  p.verdict = Verdict::Rejected;
  p.err = EACCES;
  p.log_tail = {"infinite loop detected at insn 5"};
  p.full_log.reason = FullLogReason::Rejected;
  p.full_log.level = 1;
  p.full_log.bytes = 1065;
  p.full_log.capped = true;
  p.full_log.file = "logs/6.12/loop.bpf.o/xdp_loop.log";
  p.line_costs = {{"loop.bpf.c:9", "while (*p != 0) {", 12}};
  o.programs.push_back(p);
  k.objects.push_back(o);
  run.kernels.push_back(k);
  HtmlReportOptions opts;
  opts.logs_href_prefix = "../out/";
  auto html = render_html_report(run, verdict_alone(run), opts);
  ASSERT_TRUE(html.ok()) << html.error().str();
  EXPECT_NE(html->find("<a class=\"full-log-link\" "
                       "href=\"../out/logs/6.12/loop.bpf.o/xdp_loop.log\">full verifier log</a>"),
            std::string::npos)
      << *html;
  EXPECT_NE(html->find("rejected, level 1, 1065 bytes, cut: the file holds only the log"),
            std::string::npos);
  EXPECT_NE(html->find("<td>loop.bpf.c:9</td>"), std::string::npos);
  // Without a kept log there is no link, and the row loses the tag the page's filter uses.
  run.kernels[0].objects[0].programs[0].full_log = {};
  auto plain = render_html_report(run, verdict_alone(run), opts);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->find("full-log-link"), std::string::npos);
  EXPECT_GE(count(*html, "full-log"), count(*plain, "full-log") + 3) << "link, note, row tags";
}

} // namespace vmtest
