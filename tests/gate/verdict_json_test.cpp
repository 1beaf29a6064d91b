// SPDX-License-Identifier: BSD-2-Clause
#include "gate/verdict_json.h"
#include "report/report_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

TEST(VerdictJson, CarriesOutcomeExitCodeAndLocatedFindings) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const auto v = run.verdict();
  const auto j = verdict_to_json(v);
  EXPECT_EQ(j.at("outcome"), "regression");
  EXPECT_EQ(j.at("exit_code"), 1);
  EXPECT_EQ(j.at("severity"), "FAIL");
  ASSERT_FALSE(j.at("findings").empty());
  const auto& f = j.at("findings").at(0);
  EXPECT_EQ(f.at("severity"), "FAIL");
  EXPECT_EQ(f.at("kind"), "regression");
  EXPECT_EQ(f.at("kernel"), "6.1");
  EXPECT_EQ(f.at("object"), "bpf_loop.bpf.o");
  EXPECT_EQ(f.at("program"), "xdp_bpf_loop");
}

} // namespace vmtest
