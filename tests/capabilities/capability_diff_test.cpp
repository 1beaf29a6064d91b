// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/capability_diff.h"
#include "capability_fixtures.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace vmtest {
using nlohmann::json;
using testing::probe_fixture;

TEST(CapabilityDiff, SameProbeHasNoChanges) {
  EXPECT_TRUE(diff_capabilities(probe_fixture("6.1"), probe_fixture("6.1")).empty());
  EXPECT_TRUE(capability_info_lines("6.1", probe_fixture("6.1"), probe_fixture("6.1")).empty());
}

TEST(CapabilityDiff, NotProbedOnEitherSideIsNotAChange) {
  EXPECT_TRUE(diff_capabilities(json(), probe_fixture("6.1")).empty());
  EXPECT_TRUE(diff_capabilities(probe_fixture("6.1"), json()).empty());
}

TEST(CapabilityDiff, AKernelUpgradeGainsHelpersAsInfoLines) {
  auto changes = diff_capabilities(probe_fixture("5.10"), probe_fixture("6.1"));
  auto loop = std::find_if(changes.begin(), changes.end(), [](const CapabilityChange& c) {
    return c.category == "helper" && c.feature == "bpf_loop";
  });
  ASSERT_NE(loop, changes.end());
  EXPECT_EQ(loop->before, "no");
  EXPECT_EQ(loop->after, "yes");

  auto lines = capability_info_lines("6.1", probe_fixture("5.10"), probe_fixture("6.1"));
  EXPECT_NE(
      std::find(lines.begin(), lines.end(), "INFO 6.1: capability helper bpf_loop: no -> yes"),
      lines.end());
  EXPECT_NE(
      std::find(lines.begin(), lines.end(), "INFO 6.1: capability program_type syscall: no -> yes"),
      lines.end());
  // Per-type changes are one line per helper and direction, not one per program type.
  auto per_type = std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("prog_helper bpf_loop: gained for ") != std::string::npos;
  });
  EXPECT_EQ(per_type, 1);
  for (const auto& l : lines)
    EXPECT_EQ(l.rfind("INFO 6.1: ", 0), 0u) << l;
}

TEST(CapabilityDiff, LosingAHelperForOneProgramTypeSaysLost) {
  json before = {{"program_types", {{"have_xdp_prog_type", true}}},
                 {"helpers", {{"xdp_available_helpers", {"bpf_loop", "bpf_redirect"}}}}};
  json after = {{"program_types", {{"have_xdp_prog_type", true}}},
                {"helpers", {{"xdp_available_helpers", {"bpf_redirect"}}}}};
  auto lines = capability_info_lines("6.12", before, after);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "INFO 6.12: capability helper bpf_loop: yes -> no");
  EXPECT_EQ(lines[1], "INFO 6.12: capability prog_helper bpf_loop: lost for 1 program type (xdp)");
}

} // namespace vmtest
