// SPDX-License-Identifier: BSD-2-Clause
// The HTML report in a real browser: headless Chromium opens reports rendered by the real
// `vmtest report` from a real run of Debian 5.10, 6.1 and 6.12 (tests/data/report), checks the
// DOM after the page's own script ran, and keeps screenshots for CI under
// build/test-artifacts/report/. No node, no driver: --dump-dom prints the DOM after load, and
// the page applies a filter from the URL hash, so each filter is one browser run.
#include "test_paths.h"
#include "baseline/baseline_file.h"
#include "core/fs.h"
#include "core/process.h"
#include "results/results.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace vmtest {
namespace {
namespace fs = std::filesystem;

const fs::path kArtifacts = fs::path(VMTEST_BINARY_DIR) / "test-artifacts" / "report";
const fs::path kData = fs::path(VMTEST_SOURCE_DIR) / "tests" / "data" / "report";

std::optional<fs::path> find_chromium() {
  if (const char* p = std::getenv("VMTEST_CHROMIUM"); p && *p) return fs::path(p);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin";
  for (const char* name : {"chromium", "chromium-browser"}) {
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
      std::error_code ec;
      if (fs::exists(candidate, ec)) return candidate;
      start = end + 1;
    }
  }
  return std::nullopt;
}

struct Row {
  std::string program;
  std::string tags;
  std::string html; // the whole <tr> element
  bool hidden = false;
};

// The matrix rows of a dumped DOM, with whether the page's script hid them.
std::vector<Row> matrix_rows(const std::string& dom) {
  std::vector<Row> rows;
  static const std::regex tr(R"(<tr class="row[^>]*>[\s\S]*?</tr>)");
  static const std::regex program(R"re(data-program="([^"]*)")re");
  static const std::regex tags(R"re(data-tags="([^"]*)")re");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), tr); it != std::sregex_iterator();
       ++it) {
    Row r;
    r.html = it->str();
    const std::string open_tag = r.html.substr(0, r.html.find('>'));
    std::smatch m;
    if (std::regex_search(open_tag, m, program)) r.program = m[1];
    if (std::regex_search(open_tag, m, tags)) r.tags = m[1];
    r.hidden = open_tag.find(" hidden") != std::string::npos;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<std::string> visible_programs(const std::string& dom) {
  std::vector<std::string> out;
  for (const auto& r : matrix_rows(dom))
    if (!r.hidden) out.push_back(r.program);
  return out;
}

struct Element {
  std::string tag;
  std::vector<std::string> attributes; // names only
};

// Start tags of a serialised DOM. Text and attribute values never hold a raw '<' (the
// serialiser escapes it), so every '<' followed by a letter starts an element.
std::vector<Element> elements(const std::string& dom) {
  std::vector<Element> out;
  size_t i = 0;
  auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':';
  };
  while ((i = dom.find('<', i)) != std::string::npos) {
    ++i;
    if (i >= dom.size() || !std::isalpha(static_cast<unsigned char>(dom[i]))) continue;
    Element el;
    while (i < dom.size() && name_char(dom[i]))
      el.tag += static_cast<char>(std::tolower(dom[i++]));
    while (i < dom.size() && dom[i] != '>') {
      if (std::isspace(static_cast<unsigned char>(dom[i])) || dom[i] == '/') {
        ++i;
        continue;
      }
      std::string name;
      while (i < dom.size() && dom[i] != '=' && dom[i] != '>' &&
             !std::isspace(static_cast<unsigned char>(dom[i])))
        name += static_cast<char>(std::tolower(dom[i++]));
      if (i < dom.size() && dom[i] == '=') {
        ++i;
        if (i < dom.size() && (dom[i] == '"' || dom[i] == '\'')) {
          const char q = dom[i];
          i = dom.find(q, i + 1);
          if (i == std::string::npos) return out;
          ++i;
        } else {
          while (i < dom.size() && dom[i] != '>' &&
                 !std::isspace(static_cast<unsigned char>(dom[i])))
            ++i;
        }
      }
      if (!name.empty()) el.attributes.push_back(name);
    }
    // Raw text elements: skip their content, which is not markup.
    if (el.tag == "script" || el.tag == "style") {
      const size_t end = dom.find("</" + el.tag, i);
      i = end == std::string::npos ? dom.size() : end + 2;
    }
    out.push_back(std::move(el));
  }
  return out;
}

std::string body_attr(const std::string& dom, const std::string& name) {
  const size_t b = dom.find("<body");
  if (b == std::string::npos) return "";
  const std::string tag = dom.substr(b, dom.find('>', b) - b);
  const std::regex re(name + R"re(="([^"]*)")re");
  std::smatch m;
  return std::regex_search(tag, m, re) ? std::string(m[1]) : "";
}

class ReportBrowserE2E : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    chromium_ = find_chromium();
    std::error_code ec;
    fs::create_directories(kArtifacts, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_NO_FATAL_FAILURE(write_injected_baselines());
    // No policy: the bundled one (which `report` reads by default, like `gate`) marks bpf_loop as
    // expected to fail on 5.10, which would rightly hide the injected regression.
    ASSERT_TRUE(write_file_atomic(kArtifacts / "no-policy.yaml", "rules: []\n").ok());
    ASSERT_NO_FATAL_FAILURE(render(
        kData / "real_results.json",
        {"--baselines", baselines().string(), "--policy", (kArtifacts / "no-policy.yaml").string()},
        regression_report(), 1));
    // The XSS fixture's 5.10 did not boot (an error) and a test case missed its expectation (a
    // failure): the failure wins, exit 1.
    ASSERT_NO_FATAL_FAILURE(render(kData / "xss_results.json", {}, xss_report(), 1));
    ASSERT_NO_FATAL_FAILURE(write_full_log_run());
    ASSERT_NO_FATAL_FAILURE(render(
        full_log_dir() / "results.json",
        {"--baselines", baselines().string(), "--policy", (kArtifacts / "no-policy.yaml").string()},
        full_log_dir() / "report.html", 1));
  }

  // The real run plus the full log a real 5.10 guest kept for its rejection of
  // xdp_unbounded_loop (tests/data/report/logs: `vmtest run --kernel 5.10` of the bundled
  // unbounded_loop.bpf.o), laid out as `vmtest run` leaves it: OUT/results.json next to
  // OUT/logs/<kernel>/<object>/<program>.log.
  static fs::path full_log_dir() { return kArtifacts / "full-log"; }
  static constexpr const char* kRejectedLog =
      "logs/5.10/unbounded_loop.bpf.o/xdp_unbounded_loop.log";
  static void write_full_log_run() {
    auto text = read_file(kData / "real_results.json");
    ASSERT_TRUE(text) << text.error().str();
    RunResults run = nlohmann::json::parse(*text).get<RunResults>();
    auto log = read_file(kData / kRejectedLog);
    ASSERT_TRUE(log) << log.error().str();
    bool found = false;
    for (auto& k : run.kernels)
      for (auto& o : k.objects)
        for (auto& p : o.programs)
          if (k.name == "5.10" && p.name == "xdp_unbounded_loop") {
            ASSERT_EQ(p.verdict, Verdict::Rejected);
            p.full_log.reason = FullLogReason::Rejected;
            p.full_log.level = 1;
            p.full_log.bytes = log->size();
            p.full_log.file = kRejectedLog;
            found = true;
          }
    ASSERT_TRUE(found);
    fs::remove_all(full_log_dir());
    ASSERT_TRUE(write_file_atomic(full_log_dir() / kRejectedLog, *log).ok());
    ASSERT_TRUE(
        write_file_atomic(full_log_dir() / "results.json", nlohmann::json(run).dump(2)).ok());
  }

  static fs::path baselines() { return kArtifacts / "baselines"; }
  static fs::path regression_report() { return kArtifacts / "report.html"; }
  static fs::path xss_report() { return kArtifacts / "xss.html"; }

  // Baselines recorded from the real run itself, so everything is unchanged except what we
  // inject: on 5.10 the baseline says xdp_bpf_loop was accepted (as 6.1 accepts it), so the
  // run's rejection is a regression; on 6.1 xdp_parser's baseline counted far fewer insns.
  static void write_injected_baselines() {
    auto text = read_file(kData / "real_results.json");
    ASSERT_TRUE(text) << text.error().str();
    const RunResults run = nlohmann::json::parse(*text).get<RunResults>();
    const KernelResult* k61 = run.find("6.1");
    ASSERT_NE(k61, nullptr);
    const Baseline b61 = baseline_from_kernel_result(*k61, run.toolchain);
    fs::remove_all(baselines());
    fs::create_directories(baselines());
    for (const auto& k : run.kernels) {
      if (k.status != KernelStatus::Ok) continue;
      Baseline b = baseline_from_kernel_result(k, run.toolchain);
      if (k.name == "5.10") {
        auto& prog = b.objects.at("bpf_loop.bpf.o").programs.at("xdp_bpf_loop");
        ASSERT_EQ(prog.verdict, Verdict::Rejected)
            << "the fixture changed: 5.10 should reject bpf_loop";
        prog = b61.objects.at("bpf_loop.bpf.o").programs.at("xdp_bpf_loop");
        ASSERT_EQ(prog.verdict, Verdict::Accepted);
      }
      if (k.name == "6.1") {
        auto& prog = b.objects.at("parser.bpf.o").programs.at("xdp_parser");
        ASSERT_TRUE(prog.metrics[Metric::InsnsProcessed]);
        *prog.metrics[Metric::InsnsProcessed] = *prog.metrics[Metric::InsnsProcessed] / 2;
      }
      auto saved = save_baseline(baseline_path(baselines(), k.name), b);
      ASSERT_TRUE(saved) << saved.error().str();
    }
  }

  // `vmtest report` exits with the gate's verdict on what it rendered.
  static void render(const fs::path& results, std::vector<std::string> extra, const fs::path& out,
                     int expected_exit) {
    Command cmd;
    cmd.argv = {VMTEST_BINARY_DIR "/harness/vmtest", "report", results.string(), "--out",
                out.string()};
    cmd.argv.insert(cmd.argv.end(), extra.begin(), extra.end());
    SubprocessRunner runner;
    auto st = runner.run(cmd, std::chrono::seconds(60));
    ASSERT_TRUE(st) << st.error().str();
    ASSERT_EQ(st->exit_code, expected_exit) << st->output;
    ASSERT_TRUE(fs::exists(out));
  }

  static ExitStatus chromium(std::vector<std::string> args) {
    auto profile = make_temp_dir(kArtifacts, "chromium-profile-");
    EXPECT_TRUE(profile) << profile.error().str();
    Command cmd;
    // Headless, offline, no first-run or background work: the page is all there is.
    cmd.argv = {chromium_->string(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--log-level=3",
                "--user-data-dir=" + profile->string()};
    cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
    // Chromium's own chatter (dbus, GPU) goes to stderr, which must not mix into the DOM.
    cmd.merge_stderr = false;
    SubprocessRunner runner;
    auto st = runner.run(cmd, std::chrono::seconds(120));
    std::error_code ec;
    fs::remove_all(*profile, ec);
    EXPECT_TRUE(st) << st.error().str();
    return st ? *st : ExitStatus{};
  }

  static std::string dump_dom(const fs::path& page, const std::string& hash = "") {
    ExitStatus st = chromium({"--dump-dom", "file://" + page.string() + hash});
    EXPECT_TRUE(st.success()) << st.describe();
    EXPECT_EQ(body_attr(st.output, "data-js"), "ready") << "the page's script did not run";
    return st.output;
  }

  void SetUp() override {
    if (!chromium_)
      GTEST_SKIP() << "chromium not installed (CI installs it: scripts/install-deps.sh)";
  }

  static inline std::optional<fs::path> chromium_;
};

TEST_F(ReportBrowserE2E, RegressionRowIsPresentAndMarked) {
  const std::string dom = dump_dom(regression_report());
  EXPECT_EQ(body_attr(dom, "data-verdict"), "fail");
  const auto rows = matrix_rows(dom);
  ASSERT_EQ(rows.size(), 26u);
  bool found = false;
  for (const auto& r : rows) {
    if (r.program != "xdp_bpf_loop") continue;
    found = true;
    EXPECT_FALSE(r.hidden);
    EXPECT_NE(r.html.find("class=\"row sev-fail\""), std::string::npos) << r.html;
    EXPECT_NE(r.tags.find("regressed"), std::string::npos) << r.tags;
    // The 5.10 cell is the regressed one; 6.1 and 6.12 still accept it.
    EXPECT_NE(r.html.find("st-regressed sev-fail"), std::string::npos) << r.html;
    EXPECT_NE(r.html.find(">regressed<"), std::string::npos) << r.html;
  }
  EXPECT_TRUE(found);
  // The headline names it.
  EXPECT_NE(dom.find("regression on 5.10 (1)"), std::string::npos);
}

TEST_F(ReportBrowserE2E, FilterFromTheHashShowsOnlyTheRegression) {
  const std::string dom = dump_dom(regression_report(), "#filter=regressed");
  EXPECT_EQ(body_attr(dom, "data-filter"), "regressed");
  EXPECT_EQ(body_attr(dom, "data-visible-rows"), "1");
  EXPECT_EQ(visible_programs(dom), std::vector<std::string>{"xdp_bpf_loop"});
  // The program details follow the filter: only the regressed program's section is shown.
  const std::regex shown_section(
      R"re(<section class="prog[^"]*" id="p\d+"(?![^>]*hidden)[^>]*>)re");
  EXPECT_EQ(std::distance(std::sregex_iterator(dom.begin(), dom.end(), shown_section),
                          std::sregex_iterator()),
            1);
}

TEST_F(ReportBrowserE2E, OtherFiltersAndSearch) {
  // Failing: the injected regression and the real run's flow_dissector expectation miss.
  std::string dom = dump_dom(regression_report(), "#filter=failing");
  EXPECT_EQ(visible_programs(dom),
            (std::vector<std::string>{"xdp_bpf_loop", "flow_dissector_ipv4"}));
  dom = dump_dom(regression_report(), "#filter=stats-moved");
  EXPECT_EQ(visible_programs(dom), std::vector<std::string>{"xdp_parser"});
  dom = dump_dom(regression_report(), "#q=PARSER");
  EXPECT_EQ(visible_programs(dom), (std::vector<std::string>{"tc_parser", "xdp_parser"}));
  dom = dump_dom(regression_report(), "#filter=regressed&q=no_such_program");
  EXPECT_TRUE(visible_programs(dom).empty());
  EXPECT_NE(dom.find("<p class=\"empty\" id=\"no-rows\">"), std::string::npos)
      << "the 'nothing matches' note should be shown";
  dom = dump_dom(regression_report(), "#filter=all");
  EXPECT_EQ(visible_programs(dom).size(), 26u);
}

TEST_F(ReportBrowserE2E, RejectedProgramsFullLogOpensFromTheReport) {
  const fs::path report = full_log_dir() / "report.html";
  // The page's own filter finds the programs that kept a full log.
  const std::string dom = dump_dom(report, "#filter=full-log");
  EXPECT_EQ(body_attr(dom, "data-filter"), "full-log");
  EXPECT_EQ(visible_programs(dom), std::vector<std::string>{"xdp_unbounded_loop"});
  static const std::regex link(R"re(<a class="full-log-link" href="([^"]+)">)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, link)) << "no full log link in the report";
  const std::string href = m[1];
  EXPECT_EQ(href, kRejectedLog);
  // Follow the link as the reviewer's browser would: relative to the report.
  const ExitStatus opened =
      chromium({"--dump-dom", "file://" + (report.parent_path() / href).string()});
  EXPECT_TRUE(opened.success()) << opened.describe();
  const std::string& page = opened.output;
  EXPECT_NE(page.find("infinite loop detected at insn 5"), std::string::npos) << page;
  EXPECT_NE(page.find("processed "), std::string::npos) << page;
}

// The gate job's report: each row's job uploads its own OUT (results.json and logs/), the gate
// merges them into vmtest-report/ and renders there. The merged report's full-log link must
// open from the gate's folder alone, which is all its artifact holds.
TEST_F(ReportBrowserE2E, AMergedReportsFullLogLinkOpens) {
  const fs::path root = kArtifacts / "merged";
  fs::remove_all(root);
  auto text = read_file(full_log_dir() / "results.json");
  ASSERT_TRUE(text) << text.error().str();
  const RunResults whole = nlohmann::json::parse(*text).get<RunResults>();
  std::vector<std::string> inputs;
  for (const auto& k : whole.kernels) {
    RunResults part = whole;
    part.kernels = {k};
    const fs::path dir = root / "vmtest-results" / (k.name + "-1of1");
    ASSERT_TRUE(write_file_atomic(dir / "results.json", nlohmann::json(part).dump(2)).ok());
    if (k.name == "5.10") {
      auto log = read_file(full_log_dir() / kRejectedLog);
      ASSERT_TRUE(log);
      ASSERT_TRUE(write_file_atomic(dir / kRejectedLog, *log).ok());
    }
    inputs.push_back((dir / "results.json").string());
  }
  ASSERT_GE(inputs.size(), 2u);
  Command merge;
  merge.argv = {VMTEST_BINARY_DIR "/harness/vmtest", "merge", "--no-config", "-o",
                (root / "vmtest-report" / "results.json").string()};
  merge.argv.insert(merge.argv.end(), inputs.begin(), inputs.end());
  SubprocessRunner runner;
  auto st = runner.run(merge, std::chrono::seconds(60));
  ASSERT_TRUE(st) << st.error().str();
  ASSERT_EQ(st->exit_code, 0) << st->output;
  // Only the gate's folder from here on, as in its artifact.
  fs::remove_all(root / "vmtest-results");
  const fs::path report = root / "vmtest-report" / "report.html";
  ASSERT_NO_FATAL_FAILURE(render(
      root / "vmtest-report" / "results.json",
      {"--baselines", baselines().string(), "--policy", (kArtifacts / "no-policy.yaml").string()},
      report, 1));
  const std::string dom = dump_dom(report, "#filter=full-log");
  static const std::regex link(R"re(<a class="full-log-link" href="([^"]+)">)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, link)) << "no full log link in the merged report";
  const ExitStatus opened =
      chromium({"--dump-dom", "file://" + (report.parent_path() / std::string(m[1])).string()});
  EXPECT_TRUE(opened.success()) << opened.describe();
  EXPECT_NE(opened.output.find("infinite loop detected at insn 5"), std::string::npos)
      << opened.output;
}

TEST_F(ReportBrowserE2E, Screenshots) {
  for (auto [name, hash] :
       {std::pair{"report.png", ""}, std::pair{"report-failing.png", "#filter=failing"}}) {
    const fs::path png = kArtifacts / name;
    fs::remove(png);
    ExitStatus st =
        chromium({"--screenshot=" + png.string(), "--window-size=1280,2000", "--hide-scrollbars",
                  "file://" + regression_report().string() + hash});
    EXPECT_TRUE(st.success()) << st.describe();
    ASSERT_TRUE(fs::exists(png));
    EXPECT_GT(fs::file_size(png), 20000u);
    std::printf("report screenshot: %s\n", png.c_str());
  }
}

TEST_F(ReportBrowserE2E, XssFixtureStaysText) {
  const std::string dom = dump_dom(xss_report());
  // None of the payloads became markup, and none ran: every element is one the template
  // writes, and no element carries an event handler attribute.
  EXPECT_EQ(body_attr(dom, "data-pwned"), "");
  const std::set<std::string> template_tags = {
      "html",  "head",  "meta",  "title", "style",   "body",   "header", "div",     "span",
      "p",     "nav",   "a",     "main",  "section", "h2",     "h3",     "button",  "input",
      "table", "thead", "tbody", "tr",    "th",      "td",     "small",  "details", "summary",
      "pre",   "dl",    "dt",    "dd",    "article", "footer", "script", "b"};
  size_t scripts = 0;
  for (const auto& el : elements(dom)) {
    EXPECT_TRUE(template_tags.count(el.tag)) << "unexpected element <" << el.tag << ">";
    for (const auto& a : el.attributes)
      EXPECT_FALSE(a.rfind("on", 0) == 0) << "<" << el.tag << "> has an event handler " << a;
    if (el.tag == "script") ++scripts;
  }
  EXPECT_EQ(scripts, 1u) << "only the report's own script";
  // They are there, as text.
  EXPECT_NE(
      dom.find("&lt;script&gt;document.body.setAttribute('data-pwned','program')&lt;/script&gt;"),
      std::string::npos);
  EXPECT_NE(dom.find("&lt;/script&gt;&lt;script&gt;document.body.setAttribute('data-pwned','log')"),
            std::string::npos);
  EXPECT_NE(dom.find("clang &lt;b&gt;14&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(dom.find("{{#rows}}not a template{{/rows}}"), std::string::npos)
      << "data that looks like a template must be printed, not expanded";
  // The hostile program name still works as a filter term.
  const std::string filtered = dump_dom(xss_report(), "#q=%3Cscript%3E");
  EXPECT_EQ(body_attr(filtered, "data-visible-rows"), "1");
  EXPECT_EQ(body_attr(filtered, "data-pwned"), "");
}

} // namespace
} // namespace vmtest
