// SPDX-License-Identifier: BSD-2-Clause
// vmtest.yaml values land in the very fields their flags fill; a flag wins; each setting says
// where it came from.
#include "cli/settings.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct Cmd {
  CLI::App app{"test"};
  RunArgs run;
  GateArgs gate;
  OutputArgs out;
  Cmd() {
    add_run_options(&app, run);
    add_gate_options(&app, gate, true, false);
    add_output_options(&app, out, "");
  }
  std::vector<Setting> parse(std::vector<std::string> args, const ProjectFile* pf) {
    std::reverse(args.begin(), args.end()); // CLI11 takes them in reverse
    app.parse(args);
    return apply_project(app, pf, {nullptr, &run, &gate, &out});
  }
};

ProjectFile project() {
  ProjectFile pf;
  pf.path = "/repo/vmtest.yaml";
  pf.dir = "/repo";
  pf.corpus = std::vector<fs::path>{"/repo/build/bpf"};
  pf.testrun = "/repo/cases";
  pf.baselines = "/repo/golden";
  pf.policy = "/repo/policy.yaml";
  pf.out = "/repo/out";
  pf.sources = "/repo/src";
  pf.timeout = 60;
  pf.thresholds.change[ThresholdGroup::Insns].pct = 3;
  pf.thresholds.fail_on_stats = true;
  pf.matrix = "/repo/kernels.yaml";
  pf.kernel_defaults = std::vector<std::string>{"6.1"};
  return pf;
}

const Setting& find(const std::vector<Setting>& s, const std::string& key) {
  for (const auto& x : s)
    if (x.key == key) return x;
  static Setting none;
  ADD_FAILURE() << "no setting " << key;
  return none;
}

} // namespace

TEST(Settings, FileValuesFillTheOptionStructs) {
  Cmd c;
  const ProjectFile pf = project();
  auto s = c.parse({}, &pf);
  EXPECT_EQ(c.run.corpus, std::vector<fs::path>{"/repo/build/bpf"});
  EXPECT_TRUE(c.run.corpus_bundled) << "the project's corpus is what its baselines describe";
  EXPECT_EQ(c.run.testrun_dir, "/repo/cases");
  EXPECT_EQ(c.run.opts.out_dir, "/repo/out");
  EXPECT_EQ(c.run.timeout_s, 60);
  EXPECT_EQ(c.run.matrix.matrix, "/repo/kernels.yaml");
  EXPECT_EQ(c.run.matrix.lock, "/repo/matrix.lock.json") << "next to the matrix";
  EXPECT_EQ(*c.run.matrix.defaults, std::vector<std::string>{"6.1"});
  EXPECT_EQ(c.gate.baselines_dir, "/repo/golden");
  EXPECT_FALSE(c.gate.baselines_explicit);
  EXPECT_EQ(c.gate.policy, "/repo/policy.yaml");
  EXPECT_EQ(c.gate.thresholds.change[ThresholdGroup::Insns].pct, 3);
  EXPECT_EQ(c.gate.thresholds.change[ThresholdGroup::Insns].abs, 100) << "unset keys keep the default";
  EXPECT_TRUE(c.gate.thresholds.fail_on_stats);
  EXPECT_EQ(c.out.sources, "/repo/src");
  EXPECT_EQ(find(s, "baselines").origin, Origin::File);
  EXPECT_EQ(find(s, "baselines").source, "/repo/vmtest.yaml: baselines");
  EXPECT_EQ(find(s, "thresholds.insns_pct").value, "3");
  EXPECT_EQ(find(s, "thresholds.insns_abs").origin, Origin::Default);
  EXPECT_EQ(find(s, "kernels.defaults").value, "6.1");
}

TEST(Settings, FlagsOverrideTheFile) {
  Cmd c;
  const ProjectFile pf = project();
  auto s = c.parse({"--corpus", "mine", "--baselines", "b2", "--insns-pct", "7", "--timeout", "9",
                    "--matrix", "m.yaml"},
                   &pf);
  EXPECT_EQ(c.run.corpus, std::vector<fs::path>{"mine"});
  EXPECT_FALSE(c.run.corpus_bundled) << "a --corpus is compared only with a --baselines";
  EXPECT_EQ(c.gate.baselines_dir, "b2");
  EXPECT_TRUE(c.gate.baselines_explicit);
  EXPECT_EQ(c.gate.thresholds.change[ThresholdGroup::Insns].pct, 7);
  EXPECT_EQ(c.run.timeout_s, 9);
  EXPECT_EQ(c.run.matrix.matrix, "m.yaml");
  EXPECT_EQ(c.run.testrun_dir, "/repo/cases") << "what no flag names still comes from the file";
  EXPECT_EQ(find(s, "corpus").origin, Origin::Flag);
  EXPECT_EQ(find(s, "corpus").source, "flag --corpus");
  EXPECT_EQ(find(s, "thresholds.insns_pct").source, "flag --insns-pct");
  EXPECT_EQ(find(s, "testrun").origin, Origin::File);
}

TEST(Settings, WithoutAFileTheDefaultsApply) {
  Cmd c;
  auto s = c.parse({}, nullptr);
  EXPECT_EQ(c.run.testrun_dir, "testrun");
  EXPECT_EQ(c.run.opts.out_dir, "vmtest-out");
  EXPECT_EQ(c.gate.baselines_dir, "bpf/baselines");
  EXPECT_FALSE(c.gate.baselines_explicit);
  EXPECT_FALSE(c.run.matrix.rows.has_value());
  EXPECT_FALSE(c.run.matrix.defaults.has_value());
  EXPECT_EQ(c.run.matrix.matrix.filename(), "matrix.yaml");
  for (const auto& x : s)
    EXPECT_EQ(x.origin, Origin::Default) << x.key;
  // The test binary lives in the build tree, where the corpus built with vmtest sits.
  EXPECT_EQ(find(s, "corpus").source.rfind("default", 0), 0u);
}

TEST(Settings, EveryFlagOfTheTableExistsOnTheCommands) {
  Cmd c;
  const ProjectFile pf = project();
  for (const auto& s : c.parse({}, &pf)) {
    if (s.flag.empty()) continue;
    EXPECT_NE(c.app.get_option_no_throw(s.flag), nullptr) << s.key << " -> " << s.flag;
  }
}

} // namespace vmtest
