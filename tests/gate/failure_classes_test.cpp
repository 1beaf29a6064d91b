// SPDX-License-Identifier: BSD-2-Clause
// One table, every failure class, every path: for each class the same results.json goes
// through `vmtest run`'s gating (deliver_verdict, in process, as `run` calls it), `vmtest gate`,
// `vmtest report`, every report format, and the GitHub workflow's own merge-and-gate script,
// and all of them must reach the class's exit code. Nothing boots: the results are built here.
#include "cli/verdict_output.h"
#include "core/fs.h"
#include "core/process.h"
#include "gate/gate.h"
#include "support/result_builders.h"
#include "test_paths.h"

#include <functional>
#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;
namespace fs = std::filesystem;

namespace {

const Toolchain kTools{"Debian clang version 14.0.6", "1.4.6", "0.1.0"};

// The reference: what the baselines were recorded from. Two kernels, one object with an
// accepted and a rejected program, and a second object.
RunResults reference() {
  RunResults r;
  r.toolchain = kTools;
  for (const char* name : {"5.10", "6.1"}) {
    KernelResult k = kernel(name);
    k.objects.push_back(object("a.bpf.o", "sha-a",
                               {accepted("good", 100), rejected("bad", "R1 invalid mem access")}));
    k.objects.push_back(object("b.bpf.o", "sha-b", {accepted("other", 40)}));
    r.kernels.push_back(k);
  }
  r.corpus = CorpusInfo{{"bpf/corpus"}, 2, 2, 3, 2, "", true};
  return r;
}

ProgramResult& prog(RunResults& r, const std::string& kernel, const std::string& name) {
  for (auto& k : r.kernels)
    if (k.name == kernel)
      for (auto& o : k.objects)
        for (auto& p : o.programs)
          if (p.name == name) return p;
  throw std::runtime_error("no program " + name);
}

struct Case {
  std::string name;
  std::function<void(RunResults& now, std::string& policy)> change;
  std::vector<std::string> flags; // gate options, e.g. --strict
  int exit;                       // what every path must return
  std::string says;               // what the terminal output must contain
  bool baseline_for_61 = true;
};

const char* kExpectBad = R"(rules:
  - match: "a.bpf.o/bad"
    expected_to_fail: true
    reason: "reads past the packet: must be rejected"
)";

std::vector<Case> cases() {
  return {
      {"clean", [](RunResults&, std::string&) {}, {}, 0, "vmtest: clean"},
      {"testrun-expectation-miss",
       [](RunResults& r, std::string&) {
         auto& p = prog(r, "6.1", "good");
         p.test_run.case_name = "ipv4_tcp";
         p.test_run.expected_retval = 1;
         p.test_run.expectation_failed = true;
       },
       {},
       1,
       "6.1 a.bpf.o/good: test_run case ipv4_tcp: expectation failed (retval 2, expected 1)"},
      {"accepted-to-rejected",
       [](RunResults& r, std::string&) {
         prog(r, "6.1", "good") = rejected("good", "unknown func bpf_loop#181");
       },
       {},
       1,
       "6.1 a.bpf.o/good: accepted -> rejected"},
      {"rejected-to-accepted",
       [](RunResults& r, std::string&) { prog(r, "5.10", "bad") = accepted("bad", 12); },
       {},
       1,
       "5.10 a.bpf.o/bad: rejected -> accepted"},
      {"unopenable-object",
       [](RunResults& r, std::string&) {
         for (auto& k : r.kernels) {
           k.objects[1].programs.clear();
           k.objects[1].error = "cannot open BPF object: Invalid argument";
         }
       },
       {},
       2,
       "ERROR 6.1 b.bpf.o: object cannot be opened: cannot open BPF object: Invalid argument"},
      {"kernel-missing",
       [](RunResults& r, std::string&) { r.kernels.erase(r.kernels.begin()); },
       {},
       2,
       "kernel 5.10 is missing from the results"},
      {"kernel-failed",
       [](RunResults& r, std::string&) {
         r.kernels[0].status = KernelStatus::BootFailed;
         r.kernels[0].error = "qemu exited before the guest started";
         r.kernels[0].objects.clear();
       },
       {},
       2,
       "5.10: no verdicts: boot_failed (qemu exited before the guest started)"},
      {"partial-kernel-regression",
       [](RunResults& r, std::string&) {
         KernelResult& k = r.kernels[1];
         k.status = KernelStatus::Timeout;
         k.error = "no exit within 30.0 s; killed after 1 of 2 objects, while running b.bpf.o";
         k.running_object = "b.bpf.o";
         k.objects.resize(1);
         prog(r, "6.1", "good") = rejected("good", "unknown func bpf_loop#181");
       },
       {},
       1,
       "FAIL  6.1 a.bpf.o/good: accepted -> rejected"},
      {"partial-kernel-unchanged",
       [](RunResults& r, std::string&) {
         KernelResult& k = r.kernels[1];
         k.status = KernelStatus::Panic;
         k.error = "Kernel panic - not syncing: boom";
         k.running_object = "b.bpf.o";
         k.objects.resize(1);
       },
       {},
       2,
       "ERROR 6.1 b.bpf.o/other: not verified (kernel panicked at b.bpf.o)"},
      {"interrupted-before-any-verdict",
       [](RunResults& r, std::string&) {
         r.kernels[0].status = KernelStatus::Interrupted;
         r.kernels[0].error = "not started: interrupted by SIGTERM";
         r.kernels[0].objects.clear();
       },
       {},
       2,
       "5.10: no verdicts: interrupted (not started: interrupted by SIGTERM)"},
      {"missing-baseline",
       [](RunResults&, std::string&) {},
       {},
       0,
       "WARN  6.1: no baseline for kernel 6.1",
       false},
      {"missing-baseline-strict",
       [](RunResults&, std::string&) {},
       {"--strict"},
       1,
       "FAIL  6.1: no baseline",
       false},
      {"stats-over-threshold",
       [](RunResults& r, std::string&) {
         prog(r, "6.1", "good").metrics[Metric::InsnsProcessed] = 900;
       },
       {},
       0,
       "WARN  6.1 a.bpf.o/good: insns 100 -> 900"},
      {"stats-over-threshold-fail-on-stats",
       [](RunResults& r, std::string&) {
         prog(r, "6.1", "good").metrics[Metric::InsnsProcessed] = 900;
       },
       {"--fail-on-stats"},
       1,
       "FAIL  6.1 a.bpf.o/good: insns 100 -> 900"},
      {"policy-expected-fail",
       [](RunResults&, std::string& p) { p = kExpectBad; },
       {},
       0,
       "vmtest: clean"},
      {"policy-expected-fail-but-loads",
       [](RunResults& r, std::string& p) {
         p = kExpectBad;
         prog(r, "6.1", "bad") = accepted("bad", 7);
       },
       {},
       1,
       "6.1 a.bpf.o/bad: expected to fail but loaded"},
      {"policy-ignore",
       [](RunResults& r, std::string& p) {
         p = "rules:\n  - match: \"a.bpf.o/good\"\n    ignore: all\n    reason: \"flaky on "
             "purpose\"\n";
         prog(r, "6.1", "good") = rejected("good", "boom");
       },
       {},
       0,
       "vmtest: clean"},
      {"empty-corpus",
       [](RunResults& r, std::string&) {
         for (auto& k : r.kernels)
           k.objects.clear();
         r.corpus = CorpusInfo{{"build/"}, 0, 0, 0, 17, "", false};
       },
       {"--baselines", "@B"},
       2,
       "0 programs verified: no BPF objects in build/"},
      {"corrupt-baseline",
       [](RunResults&, std::string&) {},
       {"--baselines", "@CORRUPT"},
       2,
       "6.1.json: baseline is not valid JSON"},
  };
}

struct Paths {
  fs::path dir, results, baselines, corrupt, policy;
};

Paths write_case(const Case& c) {
  Paths p;
  p.dir = *make_temp_dir(fs::temp_directory_path(), "class-" + c.name + "-");
  p.results = p.dir / "results.json";
  p.baselines = p.dir / "baselines";
  p.corrupt = p.dir / "corrupt";
  p.policy = p.dir / "policy.yaml";
  const RunResults ref = reference();
  for (const auto& k : ref.kernels) {
    if (k.name == "6.1" && !c.baseline_for_61) continue;
    EXPECT_TRUE(
        save_baseline(baseline_path(p.baselines, k.name), baseline_from_kernel_result(k, kTools))
            .ok());
  }
  fs::create_directories(p.corrupt);
  EXPECT_TRUE(
      write_file_atomic(p.corrupt / "6.1.json", "{\"format_version\": 1, \"kernel\": ").ok());
  RunResults now = ref;
  std::string policy = "rules: []\n";
  c.change(now, policy);
  EXPECT_TRUE(write_file_atomic(p.policy, policy).ok());
  EXPECT_TRUE(write_file_atomic(p.results, nlohmann::json(now).dump(2)).ok());
  // The workflow's layout: one results.json per kernel job, each naming its own kernel.
  for (const auto& k : now.kernels) {
    RunResults part = now;
    part.kernels = {k};
    part.selected = {k.name};
    EXPECT_TRUE(
        write_file_atomic(p.dir / "shards" / k.name / "results.json", nlohmann::json(part).dump(2))
            .ok());
  }
  return p;
}

std::vector<std::string> gate_flags(const Case& c, const Paths& p) {
  std::vector<std::string> out;
  bool baselines_given = false;
  for (const auto& f : c.flags) {
    if (f == "@B")
      out.push_back(p.baselines.string());
    else if (f == "@CORRUPT")
      out.push_back(p.corrupt.string());
    else
      out.push_back(f);
    baselines_given |= f == "--baselines";
  }
  if (!baselines_given) out.insert(out.end(), {"--baselines", p.baselines.string()});
  out.insert(out.end(), {"--policy", p.policy.string()});
  return out;
}

std::string text_of(const fs::path& p) {
  auto t = read_file(p);
  return t ? *t : std::string();
}

struct Ran {
  int exit = -1;
  std::string output;
};

Ran sh(std::vector<std::string> argv) {
  SubprocessRunner runner;
  Command cmd;
  cmd.argv = std::move(argv);
  cmd.cwd = VMTEST_SOURCE_DIR;
  auto st = runner.run(cmd, std::chrono::seconds(60));
  if (!st) return {-1, st.error().str()};
  return {st->timed_out ? -1 : st->exit_code, st->output};
}

// `vmtest run` parses these options with the same functions and then calls deliver_verdict.
Ran in_process_run_gate(const RunResults& results, const std::vector<std::string>& flags) {
  CLI::App app;
  GateArgs gate;
  OutputArgs out;
  add_gate_options(&app, gate, true, false);
  add_output_options(&app, out, "");
  std::vector<std::string> argv(flags.rbegin(), flags.rend()); // CLI11 parses a reversed vector
  app.parse(argv);
  ::testing::internal::CaptureStdout();
  int rc = deliver_verdict(results, gate, out);
  return {rc, ::testing::internal::GetCapturedStdout()};
}

} // namespace

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class FailureClasses : public ::testing::TestWithParam<Case> {};

TEST_P(FailureClasses, EveryPathReachesTheSameExitCode) {
  const Case& c = GetParam();
  const Paths p = write_case(c);
  const std::vector<std::string> flags = gate_flags(c, p);
  const std::string vmtest = VMTEST_BINARY_DIR "/harness/vmtest";

  // 1. `vmtest run`'s gating on the results it just wrote.
  auto results = nlohmann::json::parse(*read_file(p.results)).get<RunResults>();
  Ran run = in_process_run_gate(results, flags);
  EXPECT_EQ(run.exit, c.exit) << "run: " << run.output;
  EXPECT_NE(run.output.find(c.says), std::string::npos) << "run: " << run.output;

  // 2. `vmtest gate`, writing every report format in the same step.
  std::vector<std::string> gate = {vmtest,
                                   "gate",
                                   p.results.string(),
                                   "--annotations",
                                   "--junit",
                                   (p.dir / "junit.xml").string(),
                                   "--markdown",
                                   (p.dir / "summary.md").string(),
                                   "--verdict-json",
                                   (p.dir / "verdict.json").string(),
                                   "--html",
                                   (p.dir / "report.html").string()};
  gate.insert(gate.end(), flags.begin(), flags.end());
  Ran g = sh(gate);
  EXPECT_EQ(g.exit, c.exit) << "gate: " << g.output;
  EXPECT_NE(g.output.find(c.says), std::string::npos) << "gate: " << g.output;

  // 3. `vmtest report`.
  std::vector<std::string> report = {vmtest, "report", p.results.string(), "--html",
                                     (p.dir / "report2.html").string()};
  report.insert(report.end(), flags.begin(), flags.end());
  Ran r = sh(report);
  EXPECT_EQ(r.exit, c.exit) << "report: " << r.output;

  // 4. Every format says the same thing.
  const bool failing = c.exit != 0;
  const std::string junit = text_of(p.dir / "junit.xml");
  const bool junit_fails =
      junit.find("<failure") != std::string::npos || junit.find("<error") != std::string::npos;
  EXPECT_EQ(junit_fails, failing) << junit.substr(0, 400);
  const std::string md = text_of(p.dir / "summary.md");
  const char* heading = c.exit == 1 ? "## ❌" : c.exit == 2 ? "## ⛔" : "## ✅";
  EXPECT_EQ(md.rfind(heading, 0), 0u) << md.substr(0, 200);
  const auto verdict = nlohmann::json::parse((text_of(p.dir / "verdict.json").empty()
                                                  ? std::string("{}")
                                                  : text_of(p.dir / "verdict.json")));
  EXPECT_EQ(verdict.value("exit_code", -1), c.exit);
  const std::string html = text_of(p.dir / "report.html");
  EXPECT_NE(html.find("data-exit-code=\"" + std::to_string(c.exit) + "\""), std::string::npos);
  EXPECT_EQ(g.output.find("::error") != std::string::npos, failing) << g.output;

  // 5. The GitHub workflow's gate job, through the script it runs, on per-kernel shards.
  std::vector<std::string> wf = {"env",
                                 "BUILD_DIR=" VMTEST_BINARY_DIR,
                                 "bash",
                                 "scripts/ci/merge-and-gate.sh",
                                 (p.dir / "shards").string(),
                                 (p.dir / "merged").string()};
  wf.insert(wf.end(), flags.begin(), flags.end());
  Ran w = sh(wf);
  EXPECT_EQ(w.exit, c.exit) << "merge-and-gate.sh: " << w.output;
  EXPECT_NE(w.output.find(c.says), std::string::npos) << "merge-and-gate.sh: " << w.output;

  fs::remove_all(p.dir);
}

INSTANTIATE_TEST_SUITE_P(All, FailureClasses, ::testing::ValuesIn(cases()), [](const auto& info) {
  std::string n = info.param.name;
  for (auto& ch : n)
    if (ch == '-') ch = '_';
  return n;
});

// Issue 24: a report that cannot be written (a full disk) used to be noticed after the verdict
// was printed: "clean (exit 0)" and then exit 2. The failure is now part of the verdict that is
// printed and written.
TEST(DeliverVerdict, AnOutputThatCannotBeWrittenIsPartOfTheVerdict) {
  const Case clean{"clean", [](RunResults&, std::string&) {}, {}, 0, ""};
  const Paths p = write_case(clean);
  auto results = nlohmann::json::parse(*read_file(p.results)).get<RunResults>();
  std::vector<std::string> flags = gate_flags(clean, p);
  // results.json is a file, so nothing can be written beneath it (ENOTDIR).
  const fs::path unwritable = p.results / "junit.xml";
  for (const auto& f : {std::string("--junit"), unwritable.string(), std::string("--verdict-json"),
                        (p.dir / "verdict.json").string(), std::string("--markdown"),
                        (p.dir / "summary.md").string()})
    flags.push_back(f);
  Ran run = in_process_run_gate(results, flags);
  EXPECT_EQ(run.exit, 2) << run.output;
  EXPECT_EQ(run.output.find("vmtest: clean"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("ERROR cannot write the JUnit XML: " + p.results.string()),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("(exit 2)"), std::string::npos) << run.output;
  // The files that were written hold the same, final verdict.
  const auto verdict = nlohmann::json::parse(text_of(p.dir / "verdict.json"));
  EXPECT_EQ(verdict.value("exit_code", -1), 2) << verdict.dump(2);
  EXPECT_NE(verdict.dump().find("cannot write the JUnit XML"), std::string::npos);
  EXPECT_EQ(text_of(p.dir / "summary.md").rfind("## ⛔", 0), 0u) << text_of(p.dir / "summary.md");
  fs::remove_all(p.dir);
}

} // namespace vmtest

