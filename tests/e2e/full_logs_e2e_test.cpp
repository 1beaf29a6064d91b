// SPDX-License-Identifier: BSD-2-Clause
// Full verifier logs and per-source-line cost on a real guest (6.12 under TCG: it prints the
// "@ file:line" of each source line; 6.1 prints the source text only): an object whose
// loop bound grew between two builds is baselined with line costs, run again, and `vmtest diff`
// names the source line that grew; its rejected sibling keeps its complete log as a file.
// Two boots of one kernel with one small object, so it stays cheap in CI.
#include "baseline/baseline_file.h"
#include "e2e_support.h"

#include <algorithm>

namespace vmtest::e2e {
namespace fs = std::filesystem;

namespace {

// BOUND is set per build. The loop body calls a helper, so the verifier walks every iteration
// and its cost is proportional to the bound; -g gives the BTF line info the log's "; ... @
// file:line" lines come from.
constexpr const char* kSource = R"(#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_sum(struct xdp_md* ctx) {
  __u32 sum = 0;
#pragma clang loop unroll(disable)
  for (int i = 0; i < BOUND; i++)
    sum += bpf_get_prandom_u32() & 1; /* LOOP BODY */
  return sum > 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_oob(struct xdp_md* ctx) {
  unsigned char* data = (unsigned char*)(long)ctx->data;
  return data[64]; /* no bounds check: every kernel rejects it */
}

char LICENSE[] SEC("license") = "GPL";
)";

// The 1-based line of `marker` in the source, as BTF line info names it.
int line_of(const std::string& marker) {
  std::string src = kSource;
  const size_t at = src.find(marker);
  return 1 + static_cast<int>(std::count(src.begin(), src.begin() + static_cast<long>(at), '\n'));
}

// The loop's two lines: its header (the counter's compare and increment) and its body. Which
// of them clang's line info charges more is the compiler's choice; the growth is in one of them.
std::vector<std::string> loop_lines() {
  return {"sum.bpf.c:" + std::to_string(line_of("for (int i")),
          "sum.bpf.c:" + std::to_string(line_of("/* LOOP BODY */"))};
}

bool names_a_loop_line(const std::string& text, const std::string& prefix) {
  for (const auto& l : loop_lines())
    if (text.find(prefix + l + " +") != std::string::npos) return true;
  return false;
}

} // namespace

class FullLogsE2E : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-fulllogs-");
    ASSERT_TRUE(write_file_atomic(dir_ / "sum.bpf.c", kSource).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Builds sum.bpf.o with the given bound into its own corpus folder.
  fs::path build(const std::string& name, int bound) {
    const fs::path corpus = dir_ / name;
    fs::create_directories(corpus);
    Command cmd;
    cmd.argv = {"clang",
                "-target",
                "bpf",
                "-O2",
                "-g",
                "-DBOUND=" + std::to_string(bound),
                "-I/usr/include/x86_64-linux-gnu",
                "-c",
                (dir_ / "sum.bpf.c").string(),
                "-o",
                (corpus / "sum.bpf.o").string()};
    cmd.cwd = dir_; // the source is named relative to it in BTF line info
    SubprocessRunner runner;
    auto st = runner.run(cmd, std::chrono::seconds(60));
    EXPECT_TRUE(st && st->success()) << (st ? st->output : st.error().str());
    return corpus;
  }

  const ProgramResult* program(const RunResults& r, const std::string& name) {
    const KernelResult* k = r.find("6.12");
    if (!k) return nullptr;
    for (const auto& o : k->objects)
      for (const auto& p : o.programs)
        if (p.name == name) return &p;
    return nullptr;
  }

  fs::path dir_;
};

TEST_F(FullLogsE2E, DiffNamesTheSourceLineThatGrewAndRejectionsKeepTheirLog) {
  const fs::path small = build("small", 8), large = build("large", 200);
  const fs::path baselines = dir_ / "baselines", out_a = dir_ / "a", out_b = dir_ / "b";
  const std::string policy = (dir_ / "no-policy.yaml").string();
  ASSERT_TRUE(write_file_atomic(policy, "rules: []\n").ok());

  // The reference: baselines recorded with every program's line costs.
  auto a = run_vmtest({"baseline", "update", "--line-costs", "--kernel", "6.12", "--corpus",
                       small.string(), "--baselines", baselines.string(), "--policy", policy,
                       "--no-capabilities", "--no-testrun", "--out", out_a.string()},
                      out_a);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  ASSERT_TRUE(a.has_results);
  const ProgramResult* sum_a = program(a.results, "xdp_sum");
  ASSERT_NE(sum_a, nullptr);
  ASSERT_FALSE(sum_a->line_costs.empty()) << "--line-costs records accepted programs too";
  auto baseline = load_baseline(baseline_path(baselines, "6.12"));
  ASSERT_TRUE(baseline) << baseline.error().str();
  EXPECT_FALSE(baseline->objects.at("sum.bpf.o").programs.at("xdp_sum").line_costs.empty());

  // The loop bound grew: the gate warns on insns, and the guest, knowing the baseline's insns,
  // keeps that program's full log and line costs without being asked.
  auto b = run_vmtest({"run", "-v", "--kernel", "6.12", "--corpus", large.string(), "--baselines",
                       baselines.string(), "--policy", policy, "--no-capabilities", "--no-testrun",
                       "--out", out_b.string()},
                      out_b);
  ASSERT_TRUE(b.has_results) << b.output;
  const ProgramResult* sum_b = program(b.results, "xdp_sum");
  ASSERT_NE(sum_b, nullptr);
  EXPECT_EQ(sum_b->full_log.reason, FullLogReason::StatsMoved);
  ASSERT_FALSE(sum_b->full_log.file.empty());
  EXPECT_TRUE(fs::exists(out_b / sum_b->full_log.file));
  EXPECT_EQ(sum_b->full_log.level, 2) << "a verified path leaves nothing at level 1";
  ASSERT_FALSE(sum_b->line_costs.empty());
  const auto loop = loop_lines();
  EXPECT_NE(std::find(loop.begin(), loop.end(), sum_b->line_costs.front().location), loop.end())
      << "the loop costs most, not " << sum_b->line_costs.front().location;
  EXPECT_TRUE(names_a_loop_line(b.output, "insns grew at ")) << b.output;

  // The rejected program's log file is exactly what the kernel printed: it ends with the tail
  // the results keep, error and summary included.
  const ProgramResult* oob = program(b.results, "xdp_oob");
  ASSERT_NE(oob, nullptr);
  EXPECT_EQ(oob->verdict, Verdict::Rejected);
  EXPECT_EQ(oob->full_log.reason, FullLogReason::Rejected);
  ASSERT_FALSE(oob->full_log.file.empty());
  EXPECT_EQ(oob->full_log.file, "logs/6.12/sum.bpf.o/xdp_oob.log");
  EXPECT_EQ(oob->full_log.level, 1);
  auto text = read_file(out_b / oob->full_log.file);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->size(), oob->full_log.bytes);
  EXPECT_FALSE(oob->full_log.capped);
  EXPECT_NE(text->find(oob->log_tail.front()), std::string::npos);
  EXPECT_NE(text->find(oob->log_tail.back()), std::string::npos);
  EXPECT_NE(text->find("invalid access to packet"), std::string::npos) << *text;

  // `vmtest diff` on the two runs names the line that grew.
  Command diff;
  diff.argv = {vmtest_bin().string(),
               "diff",
               (out_a / "results.json").string(),
               (out_b / "results.json").string(),
               "--policy",
               policy};
  SubprocessRunner runner;
  auto d = runner.run(diff, std::chrono::seconds(60));
  ASSERT_TRUE(d) << d.error().str();
  EXPECT_TRUE(names_a_loop_line(d->output, "insns grew at ")) << d->output;
  std::printf("%s\n", d->output.c_str());
}

} // namespace vmtest::e2e
