// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/policy.h"

#include <gtest/gtest.h>

#include "support/fixture.h"

namespace vmtest {

namespace {
Policy load() {
  auto p = parse_policy(testing::fixture("baseline/policy.yaml"), "bpf/policy.yaml");
  if (!p.ok()) throw std::runtime_error(p.error().str());
  return *p;
}
std::string error_of(std::string_view yaml) {
  auto p = parse_policy(yaml, "bpf/policy.yaml");
  return p.ok() ? "" : p.error().str();
}
}  // namespace

TEST(Policy, ParsesFixture) {
  auto p = load();
  EXPECT_FALSE(p.strict);
  ASSERT_EQ(p.rules.size(), 4u);
  EXPECT_EQ(p.rules[0].object_glob, "loop.bpf.o");
  EXPECT_EQ(p.rules[0].program_glob, "xdp_loop");
  EXPECT_EQ(p.rules[0].kernel_globs, (std::vector<std::string>{"5.10", "4.*"}));
  EXPECT_EQ(p.rules[0].line, 7);
  EXPECT_TRUE(p.rules[2].ignore_log_tail);
  EXPECT_TRUE(p.rules[2].ignore_stats);
  EXPECT_FALSE(p.rules[2].ignore_test_run);
  EXPECT_TRUE(p.rules[3].ignore_all);
}

TEST(Policy, ExpectedToFailMatchesKernelGlobs) {
  auto p = load();
  Thresholds defaults;
  auto d = p.decide("5.10", "loop.bpf.o", "xdp_loop", defaults);
  EXPECT_TRUE(d.expected_to_fail);
  EXPECT_EQ(d.expected_to_fail_reason, "bpf_loop arrived in 5.17");
  EXPECT_TRUE(p.decide("4.18", "loop.bpf.o", "xdp_loop", defaults).expected_to_fail);
  EXPECT_FALSE(p.decide("6.1", "loop.bpf.o", "xdp_loop", defaults).expected_to_fail);
  EXPECT_FALSE(p.decide("5.10", "loop.bpf.o", "xdp_other", defaults).expected_to_fail);
}

TEST(Policy, ThresholdsLayerDefaultsGlobalAndRule) {
  auto p = load();
  Thresholds defaults;  // 10% / 100
  auto plain = p.decide("6.1", "x.bpf.o", "small", defaults);
  EXPECT_DOUBLE_EQ(plain.thresholds.change[ThresholdGroup::Insns].pct, 5); // global override
  EXPECT_EQ(plain.thresholds.change[ThresholdGroup::Insns].abs, 50);
  EXPECT_DOUBLE_EQ(plain.thresholds.change[ThresholdGroup::States].pct, 10); // untouched default
  EXPECT_FALSE(plain.thresholds.fail_on_stats);
  EXPECT_TRUE(plain.thresholds_reason.empty());
  auto big = p.decide("6.1", "x.bpf.o", "big_parser", defaults);
  EXPECT_DOUBLE_EQ(big.thresholds.change[ThresholdGroup::Insns].pct, 50);
  EXPECT_EQ(big.thresholds.change[ThresholdGroup::Insns].abs, 5000);
  EXPECT_TRUE(big.thresholds.fail_on_stats);
  EXPECT_EQ(big.thresholds_reason, "unrolled parser, counts swing with clang");
}

TEST(Policy, IgnoreRules) {
  auto p = load();
  auto d = p.decide("6.1", "legacy.bpf.o", "anything", Thresholds{});
  EXPECT_FALSE(d.ignore_all);
  EXPECT_TRUE(d.ignore_stats);
  EXPECT_EQ(d.ignore_reason, "log text differs per distro backport");
  EXPECT_TRUE(p.decide("6.12", "flaky.bpf.o", "p", Thresholds{}).ignore_all);
  EXPECT_FALSE(p.decide("6.12", "flakey.bpf.o", "p", Thresholds{}).ignore_all);
}

TEST(Policy, LaterRuleOverridesEarlier) {
  auto p = parse_policy(R"(
rules:
  - match: "*/*"
    expected_to_fail: true
    reason: "everything fails on 4.18"
  - match: "good.bpf.o/*"
    expected_to_fail: false
    reason: "except this one"
)", "p.yaml");
  ASSERT_TRUE(p.ok()) << p.error().str();
  EXPECT_TRUE(p->decide("4.18", "bad.bpf.o", "x", Thresholds{}).expected_to_fail);
  EXPECT_FALSE(p->decide("4.18", "good.bpf.o", "x", Thresholds{}).expected_to_fail);
}

TEST(Policy, EveryRuleNeedsAReason) {
  auto e = error_of("rules:\n  - match: \"a.o/*\"\n    expected_to_fail: true\n");
  EXPECT_NE(e.find("bpf/policy.yaml"), std::string::npos) << e;
  EXPECT_NE(e.find("rule #1"), std::string::npos) << e;
  EXPECT_NE(e.find("reason"), std::string::npos) << e;
  EXPECT_NE(error_of("rules:\n  - match: \"a.o/*\"\n    ignore: all\n    reason: \"\"\n"), "");
}

TEST(Policy, MistakesAreErrorsNotSilence) {
  EXPECT_NE(error_of("strcit: true\n").find("unknown key 'strcit'"), std::string::npos);
  EXPECT_NE(error_of("rules:\n  - match: \"a.o\"\n    ignore: all\n    reason: r\n").find("object/program"),
            std::string::npos);
  EXPECT_NE(error_of("rules:\n  - match: \"a.o/p\"\n    ignore: [logs]\n    reason: r\n").find("logs"),
            std::string::npos);
  EXPECT_NE(error_of("rules:\n  - match: \"a.o/p\"\n    reason: r\n").find("does nothing"),
            std::string::npos);
  EXPECT_NE(error_of("thresholds: {insns_pct: lots}\n").find("insns_pct"), std::string::npos);
  // NaN compares false with everything: it would switch the threshold off without a word.
  EXPECT_NE(error_of("thresholds: {insns_pct: .nan}\n").find("insns_pct is NaN"),
            std::string::npos);
  EXPECT_NE(error_of("thresholds: {states_pct: -1}\n").find("states_pct must be >= 0"),
            std::string::npos);
  EXPECT_NE(error_of("thresholds: {insns_abs: 9223372036854775808}\n").find("insns_abs"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [\n"), "");  // YAML syntax error
  EXPECT_NE(error_of("rules:\n  - match: \"a.o/p\"\n    expected_to_fail: true\n    reason: r\n    kernel: \"5.10\"\n")
                .find("line 5"),
            std::string::npos);
}

// Issue 24: `fail: .nan` passed the old `< 0` check (NaN compares false), and the gate then
// passed what `fail: 0.01` fails. Every number goes through core/file_number.h now.
TEST(Policy, EveryNumberIsFiniteAndInRange) {
  const std::string nan_fail = error_of("headroom: {insns: {warn: 0.001, fail: .nan}}\n");
  EXPECT_NE(nan_fail.find("headroom insns fail is NaN"), std::string::npos) << nan_fail;
  EXPECT_NE(nan_fail.find("line 1"), std::string::npos) << nan_fail;
  for (const char* bad : {"headroom: {stack: {warn: .inf}}\n", "headroom: {maps: {fail: -.inf}}\n",
                          "headroom: {insns: {warn: .NaN}}\n", "headroom: {insns: {fail: -1}}\n",
                          "thresholds: {insns_pct: .inf}\n", "thresholds: {states_pct: -.Inf}\n",
                          "thresholds: {states_abs: -1}\n",
                          "rules:\n  - match: a.o/p\n    headroom: {insns: {fail: .nan}}\n"
                          "    reason: r\n",
                          "rules:\n  - match: a.o/p\n    thresholds: {insns_pct: .inf}\n"
                          "    reason: r\n"})
    EXPECT_NE(error_of(bad), "") << bad;
  EXPECT_EQ(error_of("headroom: {insns: {warn: 0.001, fail: 0.01}}\n"), "");
  EXPECT_EQ(error_of("thresholds: {insns_pct: 0, insns_abs: 0}\n"), "");
}

TEST(Policy, EmptyFileIsNoExceptions) {
  auto p = parse_policy("", "empty.yaml");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->rules.empty());
  EXPECT_FALSE(p->strict);
}

TEST(Policy, Globs) {
  EXPECT_TRUE(glob_match("xdp_*", "xdp_loop"));
  EXPECT_TRUE(glob_match("*.bpf.o", "a.bpf.o"));
  EXPECT_FALSE(glob_match("xdp_*", "tc_main"));
  EXPECT_TRUE(glob_match("6.1?", "6.12"));
  EXPECT_FALSE(glob_match("6.1", "6.12"));
}

}  // namespace vmtest

namespace vmtest {

TEST(Policy, HeadroomDefaultsAreTheIssuesFigures) {
  const Thresholds t;
  EXPECT_EQ(t.headroom[Fraction::Insns], (HeadroomLevels{50, 85}));
  EXPECT_EQ(t.headroom[Fraction::Stack], (HeadroomLevels{75, 90}));
}

TEST(Policy, HeadroomThresholdsAndPerProgramOverridesWithAReason) {
  auto p = parse_policy(R"(
headroom:
  insns: {warn: 40, fail: 60}
  maps: {fail: 95}
rules:
  - match: "unroll64.bpf.o/*"
    kernels: ["4.18"]
    headroom: {insns: {warn: 90, fail: 99}}
    reason: "unrolled on purpose; RHEL's 131072 limit is close"
)",
                        "bpf/policy.yaml");
  ASSERT_TRUE(p.ok()) << p.error().str();
  const Thresholds with_policy;
  PolicyDecision d = p->decide("6.1", "parser.bpf.o", "xdp_parser", with_policy);
  EXPECT_EQ(d.thresholds.headroom[Fraction::Insns], (HeadroomLevels{40, 60}));
  EXPECT_EQ(d.thresholds.headroom[Fraction::Maps], (HeadroomLevels{75, 95}));
  EXPECT_EQ(d.thresholds.headroom[Fraction::Stack], (HeadroomLevels{75, 90}));
  EXPECT_EQ(d.headroom_reason, "");
  d = p->decide("4.18", "unroll64.bpf.o", "xdp_unroll64", with_policy);
  EXPECT_EQ(d.thresholds.headroom[Fraction::Insns], (HeadroomLevels{90, 99}));
  EXPECT_EQ(d.headroom_reason, "unrolled on purpose; RHEL's 131072 limit is close");
  d = p->decide("6.1", "unroll64.bpf.o", "xdp_unroll64", with_policy);
  EXPECT_EQ(d.thresholds.headroom[Fraction::Insns], (HeadroomLevels{40, 60}));
}

TEST(Policy, HeadroomMistakesAreErrorsNamingTheLine) {
  auto error_of = [](std::string_view yaml) {
    auto p = parse_policy(yaml, "bpf/policy.yaml");
    return p.ok() ? "" : p.error().str();
  };
  EXPECT_NE(error_of("headroom: {states: {warn: 1}}\n").find("unknown headroom fraction 'states'"),
            std::string::npos);
  EXPECT_NE(error_of("headroom: {insns: {warn: 90, fail: 80}}\n").find("warn must not be above"),
            std::string::npos);
  EXPECT_NE(error_of("headroom: {insns: {warn: -1}}\n").find(">= 0"), std::string::npos);
  EXPECT_NE(error_of("headroom: {insns: {warm: 1}}\n").find("unknown key 'warm'"),
            std::string::npos);
  EXPECT_NE(
      error_of("rules:\n  - match: a/b\n    headroom: {insns: {fail: 99}}\n").find("has no reason"),
      std::string::npos);
  auto ok = parse_policy("rules:\n  - match: a/b\n    ignore: headroom\n    reason: r\n", "p");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  EXPECT_TRUE(ok->rules[0].ignore_headroom);
}

TEST(Policy, CanaryIsWarnByDefaultOrFailWhenSaid) {
  auto d = parse_policy("strict: false\n", "p.yaml");
  ASSERT_TRUE(d.ok()) << d.error().str();
  EXPECT_EQ(d->canary, CanaryPolicy::Warn);
  auto f = parse_policy("canary: fail\n", "p.yaml");
  ASSERT_TRUE(f.ok()) << f.error().str();
  EXPECT_EQ(f->canary, CanaryPolicy::Fail);
  auto bad = parse_policy("canary: sometimes\n", "p.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("canary must be \"warn\" or \"fail\""), std::string::npos)
      << bad.error().str();
}

} // namespace vmtest
