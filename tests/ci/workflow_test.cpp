// The workflows cannot run here, so their structure is checked: triggers, least privilege,
// SHA-pinned actions, no secrets, and every script a step calls exists and is also run by
// .ci/run (through scripts/test.sh and the e2e.ci_pipeline test), so CI here exercises the
// same commands GitHub will.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>
#include <set>

#include "core/fs.h"

namespace vmtest {
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = VMTEST_SOURCE_DIR;

YAML::Node load(const std::string& name) { return YAML::LoadFile((kRoot / ".github/workflows" / name).string()); }

std::vector<YAML::Node> all_steps(const YAML::Node& wf) {
  std::vector<YAML::Node> steps;
  for (const auto& job : wf["jobs"])
    for (const auto& step : job.second["steps"]) steps.push_back(step);
  return steps;
}

std::set<std::string> scripts_called(const std::string& text) {
  std::set<std::string> out;
  std::regex re(R"(scripts/ci/[A-Za-z0-9_-]+\.sh)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

std::string workflow_text(const std::string& name) {
  return *read_file(kRoot / ".github/workflows" / name);
}

}  // namespace

TEST(Workflow, TriggersOnPullRequestsAndPushesToMain) {
  auto wf = load("vmtest.yml");
  ASSERT_TRUE(wf["on"]["pull_request"]);
  auto branches = wf["on"]["push"]["branches"];
  ASSERT_TRUE(branches.IsSequence());
  EXPECT_EQ(branches[0].as<std::string>(), "main");
  EXPECT_FALSE(wf["on"]["pull_request_target"]);
}

TEST(Workflow, NoPullRequestTargetAndReadOnlyTokenByDefault) {
  for (const char* name : {"vmtest.yml", "baseline-update.yml"}) {
    auto text = workflow_text(name);
    EXPECT_EQ(text.find("pull_request_target"), std::string::npos) << name;
    auto wf = load(name);
    EXPECT_EQ(wf["permissions"]["contents"].as<std::string>(), "read") << name;
  }
  // The gate workflow never asks for write access anywhere.
  EXPECT_EQ(workflow_text("vmtest.yml").find(": write"), std::string::npos);
}

TEST(Workflow, EveryActionIsPinnedToAFullCommitSha) {
  std::regex pinned(R"(^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$)");
  size_t uses = 0;
  for (const char* name : {"vmtest.yml", "baseline-update.yml"})
    for (const auto& step : all_steps(load(name)))
      if (step["uses"]) {
        ++uses;
        std::string u = step["uses"].as<std::string>();
        EXPECT_TRUE(std::regex_match(u, pinned)) << name << ": " << u;
      }
  EXPECT_GE(uses, 6u);
}

TEST(Workflow, NeedsNoSecrets) {
  for (const char* name : {"vmtest.yml", "baseline-update.yml"})
    EXPECT_EQ(workflow_text(name).find("secrets."), std::string::npos) << name;
}

TEST(Workflow, BuildsOnceThenOneJobPerKernelThenMergesAndGates) {
  auto wf = load("vmtest.yml");
  auto jobs = wf["jobs"];
  ASSERT_TRUE(jobs["build"]);
  ASSERT_TRUE(jobs["kernel"]);
  ASSERT_TRUE(jobs["gate"]);
  EXPECT_EQ(jobs["kernel"]["needs"].as<std::string>(), "build");
  EXPECT_EQ(jobs["gate"]["needs"].as<std::string>(), "kernel");
  // Every kernel of the matrix workflow is a row of kernels/matrix.yaml, and vice versa.
  auto matrix = YAML::LoadFile((kRoot / "kernels/matrix.yaml").string());
  std::set<std::string> rows, jobs_k;
  for (const auto& r : matrix["kernels"]) rows.insert(r["name"].as<std::string>());
  for (const auto& k : jobs["kernel"]["strategy"]["matrix"]["kernel"]) jobs_k.insert(k.as<std::string>());
  EXPECT_EQ(rows, jobs_k);
  auto text = workflow_text("vmtest.yml");
  EXPECT_NE(text.find("hashFiles('kernels/matrix.lock.json'"), std::string::npos)
      << "kernel cache must be keyed by the lock file";
  EXPECT_NE(text.find("99-kvm4all.rules"), std::string::npos) << "KVM via the udev rule";
}

TEST(Workflow, BaselineUpdateIsManualAndFallsBackToAPatch) {
  auto wf = load("baseline-update.yml");
  EXPECT_TRUE(wf["on"]["workflow_dispatch"]);
  EXPECT_FALSE(wf["on"]["pull_request"]);
  EXPECT_FALSE(wf["on"]["push"]);
  auto text = workflow_text("baseline-update.yml");
  EXPECT_NE(text.find("baselines.patch"), std::string::npos);
}

TEST(Workflow, StepsCallScriptsThatCiHereRunsToo) {
  std::set<std::string> from_workflows;
  for (const char* name : {"vmtest.yml", "baseline-update.yml"})
    for (const auto& s : scripts_called(workflow_text(name))) from_workflows.insert(s);
  ASSERT_FALSE(from_workflows.empty());
  // What .ci/run reaches: scripts/test.sh, the e2e.ci_pipeline self-test, and what they call.
  std::string reached = *read_file(kRoot / ".ci/run") + *read_file(kRoot / "scripts/test.sh") +
                        *read_file(kRoot / "scripts/ci/pipeline-selftest.sh") +
                        *read_file(kRoot / "tests/e2e/CMakeLists.txt") +
                        *read_file(kRoot / "scripts/ci/baseline-update.sh");
  std::set<std::string> here = scripts_called(reached);
  for (const auto& s : from_workflows) {
    if (s == "scripts/ci/docker.sh") continue;  // GitHub-only wrapper: Debian 12 on Ubuntu runners
    EXPECT_TRUE(here.count(s)) << s << " is called by a workflow but never by .ci/run";
    struct stat st {};
    ASSERT_EQ(stat((kRoot / s).c_str(), &st), 0) << s;
    EXPECT_TRUE(st.st_mode & S_IXUSR) << s << " is not executable";
  }
}

}  // namespace vmtest
