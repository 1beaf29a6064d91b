// SPDX-License-Identifier: BSD-2-Clause
// The workflows and the action cannot run here, so their structure is checked: triggers, least
// privilege, SHA-pinned actions, no secrets, no expression pasted into a shell script, and every
// script a step calls exists and is also run by .ci/run (through scripts/test.sh and the e2e
// tests), so CI here exercises the same commands GitHub will. scripts/ci/lint-workflows.sh
// runs the real validators on the same files.
#include "test_paths.h"
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/fs.h"

namespace vmtest {
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = VMTEST_SOURCE_DIR;

YAML::Node load(const std::string& name) { return YAML::LoadFile((kRoot / ".github/workflows" / name).string()); }
YAML::Node load_action() { return YAML::LoadFile((kRoot / "action.yml").string()); }
const char* kConsumer = "examples/consumer/.github/workflows/verifier.yml";

std::vector<YAML::Node> all_steps(const YAML::Node& wf) {
  std::vector<YAML::Node> steps;
  for (const auto& job : wf["jobs"])
    for (const auto& step : job.second["steps"]) steps.push_back(step);
  return steps;
}

std::set<std::string> scripts_called(const std::string& text) {
  std::set<std::string> out;
  std::regex re(R"(scripts/(ci|action)/[A-Za-z0-9_-]+\.sh)");
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
  // The gate workflow writes nothing but its sticky PR comment, and only from the gate job.
  auto wf = load("vmtest.yml");
  for (const auto& job : wf["jobs"]) {
    const auto perms = job.second["permissions"];
    if (!perms) continue;
    EXPECT_EQ(job.first.as<std::string>(), "gate");
    for (const auto& p : perms)
      if (p.second.as<std::string>() == "write")
        EXPECT_EQ(p.first.as<std::string>(), "pull-requests");
  }
  const std::string text = workflow_text("vmtest.yml");
  size_t writes = 0;
  for (size_t at = text.find(": write"); at != std::string::npos; at = text.find(": write", at + 1))
    ++writes;
  EXPECT_EQ(writes, 1u);
}

TEST(Workflow, EveryActionIsPinnedToAFullCommitSha) {
  // Third-party actions by full commit SHA; this repository's own action as `./`, or, in the
  // consumer example, by release tag (lint.action_pins checks that tag or commit holds
  // action.yml: scripts/ci/check-action-pins.sh).
  std::regex pinned(R"(^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$)"
                    R"(|^vmtest/vmtest@v[0-9]+\.[0-9]+\.[0-9]+$)");
  auto check = [&](const std::string& where, const YAML::Node& steps, size_t& uses) {
    for (const auto& step : steps)
      if (step["uses"]) {
        ++uses;
        std::string u = step["uses"].as<std::string>();
        EXPECT_TRUE(u == "./" || std::regex_match(u, pinned)) << where << ": " << u;
      }
  };
  size_t uses = 0;
  for (const char* name : {"vmtest.yml", "baseline-update.yml"})
    for (const auto& job : load(name)["jobs"])
      check(name, job.second["steps"], uses);
  for (const auto& job : YAML::LoadFile((kRoot / kConsumer).string())["jobs"])
    check(kConsumer, job.second["steps"], uses);
  size_t in_action = 0;
  check("action.yml", load_action()["runs"]["steps"], in_action);
  EXPECT_GE(uses, 10u);
  EXPECT_GE(in_action, 4u);
}

TEST(Action, ModesOutputsAndNoExpressionInsideAShellScript) {
  auto a = load_action();
  EXPECT_EQ(a["runs"]["using"].as<std::string>(), "composite");
  for (const char* in : {"mode", "config", "kernel", "shard", "vmtest-deb", "comment"})
    EXPECT_TRUE(a["inputs"][in]) << in;
  EXPECT_TRUE(a["outputs"]["matrix"]);
  const std::string text = *read_file(kRoot / "action.yml");
  for (const char* mode : {"inputs.mode == 'matrix'", "inputs.mode == 'run'", "inputs.mode == 'gate'"})
    EXPECT_NE(text.find(mode), std::string::npos) << mode;
  // Inputs and contexts reach scripts through env:, never pasted into the script text, where a
  // crafted value (a branch name, a kernel input) would become shell code.
  for (const auto& step : a["runs"]["steps"])
    if (step["run"])
      EXPECT_EQ(step["run"].as<std::string>().find("${{"), std::string::npos)
          << step["name"].as<std::string>();
  // vmtest itself runs in Debian 12, as the workflows always did.
  EXPECT_NE(read_file(kRoot / "scripts/action/docker.sh")->find("debian:12"), std::string::npos);
  EXPECT_NE(text.find("99-kvm4all.rules"), std::string::npos) << "KVM via the udev rule";
  EXPECT_NE(text.find("hashFiles('**/vmtest.yaml', '**/matrix.lock.json')"), std::string::npos)
      << "kernel cache must be keyed by the lock file";
}

TEST(Action, TheConsumerWorkflowFansOutOverTheMatrixOutput) {
  auto wf = YAML::LoadFile((kRoot / kConsumer).string());
  auto jobs = wf["jobs"];
  EXPECT_NE(jobs["rows"]["outputs"]["matrix"].as<std::string>().find("outputs.matrix"),
            std::string::npos);
  EXPECT_EQ(jobs["kernel"]["strategy"]["matrix"].as<std::string>(),
            "${{ fromJSON(needs.rows.outputs.matrix) }}");
  std::set<std::string> modes;
  for (const auto& job : jobs)
    for (const auto& step : job.second["steps"])
      if (step["uses"] && step["uses"].as<std::string>().find("/vmtest@") != std::string::npos)
        modes.insert(step["with"]["mode"].as<std::string>());
  EXPECT_EQ(modes, (std::set<std::string>{"matrix", "run", "gate"}));
  EXPECT_EQ(wf["permissions"]["contents"].as<std::string>(), "read");
  EXPECT_EQ(jobs["gate"]["permissions"]["pull-requests"].as<std::string>(), "write");
}

TEST(Workflow, NeedsNoSecrets) {
  for (const char* name : {"vmtest.yml", "baseline-update.yml"})
    EXPECT_EQ(workflow_text(name).find("secrets."), std::string::npos) << name;
  EXPECT_EQ(read_file(kRoot / "action.yml")->find("secrets."), std::string::npos);
}

TEST(Workflow, BuildsOnceThenOneJobPerKernelThenMergesAndGates) {
  auto wf = load("vmtest.yml");
  auto jobs = wf["jobs"];
  ASSERT_TRUE(jobs["build"]);
  ASSERT_TRUE(jobs["kernel"]);
  ASSERT_TRUE(jobs["gate"]);
  EXPECT_EQ(jobs["kernel"]["needs"].as<std::string>(), "build");
  EXPECT_EQ(jobs["gate"]["needs"].as<std::string>(), "kernel");
  // The jobs use this repository's action, as a consumer would; the kernel jobs fan out over
  // the rows the build job's `matrix` step lists.
  std::map<std::string, std::string> mode_of_job;
  for (const auto& job : jobs)
    for (const auto& step : job.second["steps"])
      if (step["uses"] && step["uses"].as<std::string>() == "./")
        mode_of_job[job.first.as<std::string>()] = step["with"]["mode"].as<std::string>();
  EXPECT_EQ(mode_of_job, (std::map<std::string, std::string>{
                             {"build", "matrix"}, {"kernel", "run"}, {"gate", "gate"}}));
  EXPECT_EQ(jobs["kernel"]["strategy"]["matrix"].as<std::string>(),
            "${{ fromJSON(needs.build.outputs.matrix) }}");
  // Every row the build job lists is a row of kernels/matrix.yaml, and vice versa, except a
  // canary row: it follows the newest kernel, so it is no part of a PR's check.
  auto matrix = YAML::LoadFile((kRoot / "kernels/matrix.yaml").string());
  std::set<std::string> rows, listed;
  for (const auto& r : matrix["kernels"])
    if (!(r["canary"] && r["canary"].as<bool>())) rows.insert(r["name"].as<std::string>());
  for (const auto& step : jobs["build"]["steps"])
    if (step["uses"] && step["uses"].as<std::string>() == "./") {
      std::istringstream in(step["with"]["kernel"].as<std::string>());
      for (std::string k; in >> k;) listed.insert(k);
    }
  EXPECT_EQ(rows, listed);
}

TEST(Workflow, BaselineUpdateIsManualAndFallsBackToAPatch) {
  auto wf = load("baseline-update.yml");
  EXPECT_TRUE(wf["on"]["workflow_dispatch"]);
  EXPECT_FALSE(wf["on"]["pull_request"]);
  EXPECT_FALSE(wf["on"]["push"]);
  auto text = workflow_text("baseline-update.yml");
  EXPECT_NE(text.find("baselines.patch"), std::string::npos);
}

TEST(Workflow, BaselineUpdateRunsCodeWithoutAWritableTokenOrStoredCredentials) {
  auto wf = load("baseline-update.yml");
  size_t checkouts = 0;
  for (const auto& job : wf["jobs"]) {
    const std::string name = job.first.as<std::string>();
    const auto perms = job.second["permissions"];
    bool writes = false;
    if (perms)
      for (const auto& p : perms)
        writes = writes || p.second.as<std::string>() == "write";
    for (const auto& step : job.second["steps"]) {
      if (step["uses"] && step["uses"].as<std::string>().rfind("actions/checkout@", 0) == 0) {
        ++checkouts;
        ASSERT_TRUE(step["with"]) << name;
        EXPECT_EQ(step["with"]["persist-credentials"].as<std::string>(), "false") << name;
      }
      // A job that may write runs none of the repository's scripts.
      if (writes && step["run"])
        EXPECT_EQ(step["run"].as<std::string>().find("scripts/"), std::string::npos) << name;
    }
  }
  EXPECT_EQ(checkouts, 2u);
}

TEST(Workflow, StepsCallScriptsThatCiHereRunsToo) {
  std::set<std::string> from_workflows;
  for (const char* name : {"vmtest.yml", "baseline-update.yml"})
    for (const auto& s : scripts_called(workflow_text(name))) from_workflows.insert(s);
  for (const auto& s : scripts_called(*read_file(kRoot / "action.yml"))) from_workflows.insert(s);
  ASSERT_FALSE(from_workflows.empty());
  // What .ci/run reaches: scripts/test.sh, the e2e.ci_pipeline self-test, and what they call.
  std::string reached = *read_file(kRoot / ".ci/run") + *read_file(kRoot / "scripts/test.sh") +
                        *read_file(kRoot / "scripts/ci/pipeline-selftest.sh") +
                        *read_file(kRoot / "tests/e2e/CMakeLists.txt") +
                        *read_file(kRoot / "tests/ci/CMakeLists.txt") +
                        *read_file(kRoot / "scripts/ci/baseline-update.sh") +
                        *read_file(kRoot / "scripts/ci/run-kernel.sh") +
                        *read_file(kRoot / "scripts/ci/merge-and-gate.sh") +
                        *read_file(kRoot / "scripts/ci/consumer-selftest.sh") +
                        *read_file(kRoot / "scripts/ci/package-selftest.sh") +
                        *read_file(kRoot / "tests/ci/pr_comment_test.sh") +
                        *read_file(kRoot / "tests/ci/action_install_test.sh");
  std::set<std::string> here = scripts_called(reached);
  for (const auto& s : from_workflows) {
    // GitHub-only wrappers: Debian 12 containers on Ubuntu runners. build-deb.sh is a fresh
    // build without tests plus CPack; e2e.package runs the same CPack on CI's build instead.
    if (s == "scripts/ci/docker.sh" || s == "scripts/action/docker.sh" ||
        s == "scripts/action/build-deb.sh")
      continue;
    EXPECT_TRUE(here.count(s)) << s << " is called by a workflow but never by .ci/run";
    struct stat st {};
    ASSERT_EQ(stat((kRoot / s).c_str(), &st), 0) << s;
    EXPECT_TRUE(st.st_mode & S_IXUSR) << s << " is not executable";
  }
}

}  // namespace vmtest
