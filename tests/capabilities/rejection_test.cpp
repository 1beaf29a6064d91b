// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/rejection.h"
#include "capability_fixtures.h"
#include "support/result_builders.h"

#include <gtest/gtest.h>

namespace vmtest {
using testing::fixture;
using testing::probe_fixture;
using testing::probed;
using testing::rejected_with_log;

TEST(Rejection, AnOldKernelPrintsOnlyTheIdAndTheHelperIsAbsent) {
  // 5.10 does not know bpf_loop's name: "invalid func unknown#181".
  auto k = probed("5.10", probe_fixture("5.10"),
                  {rejected_with_log("xdp_loop", "xdp",
                                     {"0: (85) call unknown#181", "invalid func unknown#181"})});
  auto c = explain_rejection(k, k.objects[0], k.objects[0].programs[0]);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->missing, "bpf_loop");
  EXPECT_FALSE(c->kfunc);
  EXPECT_EQ(c->availability, Availability::Absent);
  EXPECT_EQ(c->message, "bpf_loop is absent on 5.10");
  EXPECT_EQ(c->object, "corpus.bpf.o");
  EXPECT_EQ(c->program, "xdp_loop");
}

TEST(Rejection, RealFiveTenLogForBpfGetFuncIp) {
  std::string log = fixture("verifier/v5_10_missing_helper.log");
  std::vector<std::string> lines;
  for (size_t at = 0, nl; at < log.size(); at = nl + 1) {
    nl = log.find('\n', at);
    if (nl == std::string::npos) nl = log.size();
    lines.push_back(log.substr(at, nl - at));
  }
  auto k = probed("5.10", probe_fixture("5.10"), {rejected_with_log("kp", "kprobe", lines)});
  auto c = explain_rejection(k, k.objects[0], k.objects[0].programs[0]);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->message, "bpf_get_func_ip is absent on 5.10");
}

TEST(Rejection, HelperThatExistsOnlyForOtherProgramTypes) {
  auto k = probed("6.1", probe_fixture("6.1"),
                  {rejected_with_log("x", "xdp", {"unknown func bpf_get_func_ip#173"})});
  auto c = explain_rejection(k, k.objects[0], k.objects[0].programs[0]);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->availability, Availability::NotForProgType);
  EXPECT_FALSE(c->other_prog_types.empty());
  EXPECT_EQ(
      c->message.rfind("bpf_get_func_ip is not available to xdp programs on 6.1 (only to ", 0), 0u)
      << c->message;
}

TEST(Rejection, HelperThatIsThereMeansAnotherCause) {
  auto k = probed("6.1", probe_fixture("6.1"),
                  {rejected_with_log("x", "xdp", {"unknown func bpf_loop#181"})});
  auto c = explain_rejection(k, k.objects[0], k.objects[0].programs[0]);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->availability, Availability::Present);
  EXPECT_NE(c->message.find("another cause"), std::string::npos);
}

TEST(Rejection, KfuncsAndUnprobedKernelsAreUnknown) {
  auto k = probed(
      "6.1", probe_fixture("6.1"),
      {rejected_with_log("x", "xdp", {"calling kernel function bpf_obj_new_impl is not allowed"})});
  auto c = explain_rejection(k, k.objects[0], k.objects[0].programs[0]);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->kfunc);
  EXPECT_EQ(c->availability, Availability::Unknown);
  EXPECT_EQ(c->message, "kfunc bpf_obj_new_impl is not available to xdp programs on 6.1");

  auto u = probed("5.10", nullptr, {rejected_with_log("x", "xdp", {"invalid func unknown#181"})});
  auto cu = explain_rejection(u, u.objects[0], u.objects[0].programs[0]);
  ASSERT_TRUE(cu);
  EXPECT_EQ(cu->availability, Availability::Unknown);
  EXPECT_EQ(cu->message,
            "bpf_loop is not available on 5.10 (verifier log; no capability probe recorded)");
}

TEST(Rejection, ALogThatNamesNoHelperFallsBackToTheHelpersTheProgramCalls) {
  // What 5.10 really says about the bpf_loop program: it trips over the callback's BTF first.
  auto p = rejected_with_log("xdp_bpf_loop", "xdp",
                             {"number of funcs in func_info doesn't match number of subprogs"});
  p.helper_ids = {1, 181}; // bpf_map_lookup_elem, bpf_loop
  auto k = probed("5.10", probe_fixture("5.10"), {p});
  auto c = explain_rejection(k, k.objects[0], k.objects[0].programs[0]);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->evidence, "calls");
  EXPECT_EQ(c->availability, Availability::Absent);
  EXPECT_EQ(c->message, "bpf_loop is absent on 5.10");

  // Every called helper is there: the rejection is about something else.
  auto k61 = probed("6.1", probe_fixture("6.1"), {p});
  EXPECT_FALSE(explain_rejection(k61, k61.objects[0], k61.objects[0].programs[0]));
  // No probe, no evidence.
  auto bare = probed("5.10", nullptr, {p});
  EXPECT_FALSE(explain_rejection(bare, bare.objects[0], bare.objects[0].programs[0]));
}

TEST(Rejection, AcceptedOrUnrelatedRejectionsHaveNoCause) {
  ProgramResult ok;
  ok.verdict = Verdict::Accepted;
  ok.log_tail = {"unknown func bpf_loop#181"}; // a stale log must not matter
  auto k =
      probed("5.10", probe_fixture("5.10"),
             {ok, rejected_with_log("m", "xdp", {"R0 invalid mem access 'map_value_or_null'"})});
  EXPECT_FALSE(explain_rejection(k, k.objects[0], k.objects[0].programs[0]));
  EXPECT_FALSE(explain_rejection(k, k.objects[0], k.objects[0].programs[1]));
  EXPECT_TRUE(explain_rejections(k).empty());
}

TEST(Rejection, ExplainsEveryRejectionOfAKernelAndFindsWhereAHelperExists) {
  auto k510 = probed("5.10", probe_fixture("5.10"),
                     {rejected_with_log("a", "xdp", {"invalid func unknown#181"}),
                      rejected_with_log("b", "kprobe", {"invalid func unknown#173"})});
  auto all = explain_rejections(k510);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].missing, "bpf_get_func_ip");

  RunResults run;
  run.kernels = {k510, probed("6.1", probe_fixture("6.1"), {})};
  EXPECT_EQ(kernels_offering(run, "bpf_loop"), std::vector<std::string>{"6.1"});
  EXPECT_EQ(kernels_offering(run, "bpf_loop", "xdp"), std::vector<std::string>{"6.1"});
  EXPECT_EQ(kernels_offering(run, "bpf_map_lookup_elem", "xdp"),
            (std::vector<std::string>{"5.10", "6.1"}));
}

} // namespace vmtest
