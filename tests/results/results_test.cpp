#include "results/results.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(Results, ProgramRoundTripKeepsOptionalsDistinctFromZero) {
  ProgramResult p;
  p.name = "xdp_bpf_loop";
  p.verdict = "accepted";
  p.insns_processed = 0;  // reported zero must survive as zero
  p.log_tail = {"processed 0 insns"};
  p.test_run.status = "ok";
  p.test_run.retval = 2;
  nlohmann::json j = p;
  EXPECT_TRUE(j.contains("insns_processed"));
  EXPECT_FALSE(j.contains("total_states"));  // unknown is omitted, not null or 0
  auto back = j.get<ProgramResult>();
  EXPECT_EQ(back.insns_processed, 0);
  EXPECT_FALSE(back.total_states.has_value());
  EXPECT_EQ(back.test_run.retval, 2u);
  EXPECT_EQ(back.log_tail, p.log_tail);
}

TEST(Results, RunResultsRoundTripAndFind) {
  RunResults r;
  KernelResult k;
  k.name = "6.1";
  k.status = "panic";
  k.console_tail = {"Kernel panic - not syncing"};
  r.kernels.push_back(k);
  auto back = nlohmann::json(r).get<RunResults>();
  ASSERT_NE(back.find("6.1"), nullptr);
  EXPECT_EQ(back.find("6.1")->status, "panic");
  EXPECT_EQ(back.find("6.1")->console_tail.front(), "Kernel panic - not syncing");
  EXPECT_EQ(back.find("5.10"), nullptr);
  EXPECT_EQ(back.schema_version, kResultsSchemaVersion);
}

}  // namespace vmtest
