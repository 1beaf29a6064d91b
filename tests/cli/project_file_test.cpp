// SPDX-License-Identifier: BSD-2-Clause
#include "cli/project_file.h"
#include "core/fs.h"

#include <gtest/gtest.h>
#include <regex>
#include <sstream>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

std::string fake_env(const std::string& name) {
  if (name == "BUILD") return "out/rel";
  return ""; // EMPTY and everything else: unset
}

class ProjectFileTest : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-project-"); }
  void TearDown() override { fs::remove_all(dir_); }
  Result<ProjectFile> parse(const std::string& text) {
    return parse_project_file(text, dir_ / "vmtest.yaml", fake_env);
  }
  fs::path dir_;
};

} // namespace

TEST_F(ProjectFileTest, FoundByWalkingUpFromTheCurrentDirectory) {
  fs::create_directories(dir_ / "a" / "b" / "c");
  EXPECT_FALSE(
      find_project_file(dir_ / "a" / "b" / "c").has_value() &&
      find_project_file(dir_ / "a" / "b" / "c")->parent_path().string().starts_with(dir_.string()));
  ASSERT_TRUE(write_file_atomic(dir_ / "a" / "vmtest.yaml", "out: o\n").ok());
  auto found = find_project_file(dir_ / "a" / "b" / "c");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, dir_ / "a" / "vmtest.yaml");
  // The nearest one wins.
  ASSERT_TRUE(write_file_atomic(dir_ / "a" / "b" / "vmtest.yaml", "out: o\n").ok());
  EXPECT_EQ(*find_project_file(dir_ / "a" / "b" / "c"), dir_ / "a" / "b" / "vmtest.yaml");
}

TEST_F(ProjectFileTest, EveryKeyIsReadAndPathsAreRelativeToTheFile) {
  fs::create_directories(dir_ / "build" / "bpf");
  auto pf = parse(R"(
corpus: [build/bpf]
sources: src
testrun: cases
baselines: golden
policy: policy.yaml
out: results
timeout: 60
strict: true
thresholds: {insns_pct: 5, insns_abs: 50, states_pct: 2.5, states_abs: 7, fail_on_stats: true}
kernels:
  matrix: k/matrix.yaml
  lock: k/lock.json
  defaults: ["6.1", fleet]
  rows:
    - name: fleet
      description: our kernel
      source: {path: {vmlinuz: k/vmlinuz}}
)");
  ASSERT_TRUE(pf.ok()) << pf.error().str();
  ASSERT_TRUE(pf->corpus.has_value());
  EXPECT_EQ(*pf->corpus, std::vector<fs::path>{dir_ / "build" / "bpf"});
  EXPECT_EQ(*pf->sources, dir_ / "src");
  EXPECT_EQ(*pf->testrun, dir_ / "cases");
  EXPECT_EQ(*pf->baselines, dir_ / "golden");
  EXPECT_EQ(*pf->policy, dir_ / "policy.yaml");
  EXPECT_EQ(*pf->out, dir_ / "results");
  EXPECT_EQ(*pf->timeout, 60);
  EXPECT_TRUE(*pf->strict);
  const ChangeOverrides& change = pf->thresholds.change;
  EXPECT_EQ(*change[ThresholdGroup::Insns].pct, 5.0);
  EXPECT_EQ(*change[ThresholdGroup::Insns].abs, 50);
  EXPECT_EQ(*change[ThresholdGroup::States].pct, 2.5);
  EXPECT_EQ(*change[ThresholdGroup::States].abs, 7);
  EXPECT_TRUE(*pf->thresholds.fail_on_stats);
  EXPECT_EQ(*pf->matrix, dir_ / "k" / "matrix.yaml");
  EXPECT_EQ(*pf->lock, dir_ / "k" / "lock.json");
  EXPECT_EQ(*pf->kernel_defaults, (std::vector<std::string>{"6.1", "fleet"}));
  ASSERT_TRUE(pf->rows.has_value());
  EXPECT_EQ(pf->rows->names, std::vector<std::string>{"fleet"});
  EXPECT_EQ(pf->rows->base_dir, dir_);
  EXPECT_NE(pf->rows->yaml.find("vmlinuz: k/vmlinuz"), std::string::npos) << pf->rows->yaml;
}

TEST_F(ProjectFileTest, AnEmptyFileSetsNothing) {
  auto pf = parse("# nothing yet\n");
  ASSERT_TRUE(pf.ok()) << pf.error().str();
  EXPECT_FALSE(pf->corpus || pf->baselines || pf->matrix || pf->rows || pf->timeout);
}

TEST_F(ProjectFileTest, EnvironmentReferencesWithDefaults) {
  auto pf = parse("out: ${BUILD}/o\ntestrun: ${NOPE:-t}\nbaselines: ${EMPTY:-b}\n");
  ASSERT_TRUE(pf.ok()) << pf.error().str();
  EXPECT_EQ(*pf->out, dir_ / "out" / "rel" / "o");
  EXPECT_EQ(*pf->testrun, dir_ / "t");
  EXPECT_EQ(*pf->baselines, dir_ / "b");
  auto bad = parse("out: ${NOPE}/o\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("NOPE is not set"), std::string::npos) << bad.error().str();
  EXPECT_NE(bad.error().context.find("out line 1"), std::string::npos) << bad.error().str();
  EXPECT_FALSE(expand_env("${1X}", fake_env).ok());
  EXPECT_FALSE(expand_env("${BUILD", fake_env).ok());
  EXPECT_EQ(*expand_env("a${BUILD}b", fake_env), "aout/relb");
}

// Issue 24: a 50 000-character ${NAME} segfaulted through std::regex's recursion.
TEST_F(ProjectFileTest, AHugeVariableNameIsAnErrorNotACrash) {
  const std::string name(50000, 'A');
  auto unset = expand_env("${" + name + "}", fake_env);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.error().what.find("is not set"), std::string::npos);
  EXPECT_EQ(*expand_env("${" + name + ":-d}", fake_env), "d");
  EXPECT_FALSE(expand_env("${" + name + "-}", fake_env).ok());
  auto pf = parse("corpus: ${" + name + "}\n");
  ASSERT_FALSE(pf.ok());
  EXPECT_NE(pf.error().what.find("is not set"), std::string::npos);
}

// YAML is bounded too: yaml-cpp refuses documents nested past its own depth limit.
TEST_F(ProjectFileTest, DeepNestingIsAnErrorNotACrash) {
  auto pf = parse("corpus: " + std::string(200000, '[') + std::string(200000, ']') + "\n");
  ASSERT_FALSE(pf.ok());
  EXPECT_NE(pf.error().what.find("invalid YAML"), std::string::npos) << pf.error().str();
}

TEST_F(ProjectFileTest, GlobsExpandSortedAndMustMatch) {
  for (const char* d : {"objs/b", "objs/a", "objs/c.txt"})
    fs::create_directories(dir_ / d);
  auto pf = parse("corpus:\n  - objs/[ab]\n  - plain/dir\n");
  ASSERT_TRUE(pf.ok()) << pf.error().str();
  EXPECT_EQ(*pf->corpus,
            (std::vector<fs::path>{dir_ / "objs/a", dir_ / "objs/b", dir_ / "plain/dir"}));
  auto none = parse("corpus: objs/*.o\n");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().what.find("matches nothing"), std::string::npos) << none.error().str();
}

TEST_F(ProjectFileTest, MistakesAreErrorsWithTheKeyAndLine) {
  auto unknown = parse("corpus: [a]\nbaseline: b\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().what.find("unknown key 'baseline'"), std::string::npos);
  EXPECT_NE(unknown.error().context.find("line 2"), std::string::npos) << unknown.error().str();

  auto nested = parse("kernels:\n  row: []\n");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().what.find("unknown key 'row'"), std::string::npos);

  EXPECT_FALSE(parse("timeout: soon\n").ok());
  EXPECT_FALSE(parse("timeout: 0\n").ok());
  EXPECT_FALSE(parse("timeout: 4294967297\n").ok());
  // Negative or NaN thresholds would silently switch the stats gate off.
  for (const char* th : {"states_pct: -0.5", "insns_abs: -1", "states_abs: -7"}) {
    auto bad = parse(std::string("thresholds: {") + th + "}\n");
    ASSERT_FALSE(bad.ok()) << th;
    EXPECT_NE(bad.error().what.find("must be >= 0"), std::string::npos) << bad.error().str();
  }
  // NaN and infinities (issue 24), judged in the one place every file number goes through.
  for (const char* th : {"insns_pct: .nan", "insns_pct: .inf", "states_pct: -.inf"}) {
    auto bad = parse(std::string("thresholds: {") + th + "}\n");
    ASSERT_FALSE(bad.ok()) << th;
    EXPECT_TRUE(bad.error().what.find("NaN") != std::string::npos ||
                bad.error().what.find("infinite") != std::string::npos ||
                bad.error().what.find(">= 0") != std::string::npos)
        << bad.error().str();
  }
  EXPECT_TRUE(parse("thresholds: {insns_pct: 0, states_abs: 0}\n").ok());
  EXPECT_FALSE(parse("strict: maybe\n").ok());
  EXPECT_FALSE(parse("kernels: {defaults: [a, a]}\n").ok());
  EXPECT_FALSE(parse("kernels: {rows: []}\n").ok());
  EXPECT_FALSE(parse("corpus: []\n").ok());
  EXPECT_FALSE(parse("out: [a, b]\n").ok());
  auto yaml = parse("corpus: [a\n");
  ASSERT_FALSE(yaml.ok());
  EXPECT_NE(yaml.error().what.find("invalid YAML"), std::string::npos);
}

TEST_F(ProjectFileTest, TheStarterFileIsValidAndSoIsEveryCommentedSetting) {
  fs::create_directories(dir_ / "build" / "bpf");
  auto pf = parse(starter_project_file());
  ASSERT_TRUE(pf.ok()) << pf.error().str();
  EXPECT_TRUE(pf->corpus && pf->testrun && pf->baselines && pf->out);
  // Uncomment every commented setting (not the prose): still valid, and now sets them all.
  // A commented setting is "# key: ..." (or "# - key: ...") with a lowercase key; prose is not.
  static const std::regex setting(R"(^(\s*)# (\s*(- )?[a-z_]+:( .*)?)$)");
  std::string all;
  std::istringstream in(starter_project_file());
  int uncommented = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, setting)) {
      line = m[1].str() + m[2].str();
      ++uncommented;
    }
    all += line + "\n";
  }
  EXPECT_GE(uncommented, 20);
  setenv("KERNEL_STORE", "https://example.invalid", 1);
  auto full = parse_project_file(all, dir_ / "vmtest.yaml");
  ASSERT_TRUE(full.ok()) << full.error().str() << "\n" << all;
  EXPECT_TRUE(full->sources && full->policy && full->timeout && full->strict &&
              full->thresholds.fail_on_stats && full->kernel_defaults && full->rows)
      << all;
  EXPECT_EQ(full->rows->names, (std::vector<std::string>{"fleet", "fleet-next"}));
}

} // namespace vmtest
