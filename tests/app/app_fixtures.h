// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// What the use-case tests share: a project in a temporary folder (a two-row matrix, a fake
// agent, a corpus holding one real BPF object), stages that boot nothing and answer with the
// verdicts a test chooses. Its result builders are in tests/support/result_builders.h.
#include "app/run.h"
#include "baseline/baseline_file.h"
#include "core/fs.h"
#include "results/guest_protocol.h"
#include "support/result_builders.h"
#include "test_paths.h"

#include <gtest/gtest.h>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vmtest::testing {

inline void save_baseline_of(const std::filesystem::path& dir, const KernelResult& k) {
  ASSERT_TRUE(save_baseline(baseline_path(dir, k.name),
                            baseline_from_kernel_result(k, {"clang", "1.4", "dev"}))
                  .ok());
}

class QuietProgress : public Progress {
public:
  void set_kernels(const std::vector<std::string>&) override {}
  void kernel(const std::string& name, const std::string& state) override {
    lines.push_back(name + ": " + state);
  }
  void note(const std::string& line) override { lines.push_back(line); }
  void finish() override { finished = true; }
  std::vector<std::string> lines;
  bool finished = false;
};

// Every row fetches a fake image (unless `unavailable` names it); every guest streams
// `verdicts[row]` (default: accepted) for the object a.bpf.o, program "prog", or ends as
// `outcomes[row]` says.
class FakeStages : public RunStages {
public:
  RowFetch fetch_kernel(const KernelRow& row) override {
    RowFetch out;
    if (auto it = unavailable.find(row.name); it != unavailable.end()) {
      out.status = FetchStatus::unavailable;
      out.reason = it->second;
      return out;
    }
    KernelImage img;
    img.name = row.name;
    img.vmlinuz = "/fake/" + row.name;
    img.sha256 = std::string(64, 'a');
    img.origin = "fake " + row.name;
    img.source_kind = row.sources.front()->kind();
    out.status = FetchStatus::fetched;
    out.image = img;
    return out;
  }
  std::vector<VmOutcome> boot_all(const std::vector<VmSpec>& specs, int,
                                  const std::function<void(size_t, const std::string&)>&) override {
    std::vector<VmOutcome> out;
    for (const auto& s : specs) {
      booted.push_back(s.name);
      booted_specs.push_back(s);
      cmdlines[s.name] = s.extra_cmdline;
      if (auto it = outcomes.find(s.name); it != outcomes.end()) {
        out.push_back(it->second);
        continue;
      }
      AgentReport r;
      r.kernel_release = "test";
      ObjectResult o;
      o.name = "a.bpf.o";
      auto it = verdicts.find(s.name);
      o.programs.push_back(
          program("prog", it == verdicts.end() ? Verdict::Accepted : it->second, 100));
      r.objects.push_back(o);
      VmOutcome vo;
      vo.status = KernelStatus::Ok;
      vo.accel = "tcg";
      vo.results = encode_report(r);
      out.push_back(vo);
    }
    return out;
  }
  Result<ExitStatus> run_host(const Command&, std::chrono::milliseconds) override {
    return Error{"no host in this test", ""};
  }
  std::map<std::string, Verdict> verdicts;
  std::map<std::string, std::string> unavailable;
  std::map<std::string, VmOutcome> outcomes;
  std::vector<std::string> booted;
  std::vector<VmSpec> booted_specs;
  std::map<std::string, std::string> cmdlines;
};

// A project in a temporary folder: matrix rows 5.10 and 6.1 (both defaults, `path` sources the
// fake stages never read), a fake agent, corpus/ with one real BPF object, baselines/.
class AppProject : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(std::filesystem::temp_directory_path(), "app-");
    auto m = parse_matrix(R"(
defaults: ["5.10", "6.1"]
kernels:
  - name: "5.10"
    description: older
    source:
      path: {vmlinuz: /fake/5.10}
  - name: "6.1"
    description: newer
    source:
      path: {vmlinuz: /fake/6.1}
)",
                          "test-matrix.yaml", dir_, LockFile{});
    ASSERT_TRUE(m.ok()) << m.error().str();
    matrix_ = *m;
    ASSERT_TRUE(write_file_atomic(dir_ / "agent", "agent").ok());
    std::filesystem::create_directories(dir_ / "corpus");
    std::filesystem::copy_file(VMTEST_BINARY_DIR "/tests/bpf/agent_fixture.bpf.o",
                               dir_ / "corpus" / "a.bpf.o");
    req_.corpus = {dir_ / "corpus"};
    req_.corpus_bundled = true;
    req_.testrun_dir = dir_ / "testrun";
    req_.no_capabilities = true;
    req_.opts.agent = dir_ / "agent";
    req_.opts.out_dir = dir_ / "out";
    req_.opts.jobs = 1;
    gate_.baselines_dir = dir_ / "baselines";
    std::filesystem::create_directories(gate_.baselines_dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunContext context() {
    return RunContext{matrix_, dir_ / "cache", stages_, progress_,
                      [this](const std::string& l) { said_.push_back(l); }};
  }

  std::filesystem::path dir_;
  Matrix matrix_;
  FakeStages stages_;
  QuietProgress progress_;
  RunRequest req_;
  GateOptions gate_;
  std::vector<std::string> said_;
};

// Environment lookups a test controls.
inline EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

inline bool has_finding(const GateVerdict& v, FindingKind kind, Severity s) {
  for (const auto& f : v.findings)
    if (f.kind == kind && f.severity == s) return true;
  for (const auto& k : v.kernels)
    for (const auto& f : k.kernel_findings)
      if (f.kind == kind && f.severity == s) return true;
  return false;
}

} // namespace vmtest::testing
