// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/capability_render.h"
#include "capability_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
using testing::probe_fixture;

namespace {
CapabilityMatrix small() {
  CapabilityMatrix m;
  m.kernels = {"5.10", "6.1"};
  m.rows = {{"map_type", "ringbuf", {"yes", "yes"}},
            {"helper", "bpf_loop", {"no", "yes"}},
            {"prog_helper", "xdp:bpf_loop", {"no", "yes"}},
            {"prog_helper", "kprobe:bpf_loop", {"no", "yes"}},
            {"prog_helper", "tc:bpf_loop", {"no", "no"}}};
  m.folded = 7;
  m.total = 12;
  return m;
}
} // namespace

TEST(CapabilityRender, TextSaysWhatWasFoldedAndGroupsPerTypeHelpers) {
  std::string t = render_capabilities_text(small(), {"6.12: not probed: boot_failed"});
  EXPECT_NE(t.find("7 of 12 features are the same everywhere and folded away"), std::string::npos);
  EXPECT_NE(t.find("note: 6.12: not probed: boot_failed"), std::string::npos);
  EXPECT_NE(t.find("map types"), std::string::npos);
  EXPECT_NE(t.find("  bpf_loop (xdp,kprobe)  no    yes\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  bpf_loop (tc)          no    no\n"), std::string::npos) << t;
}

TEST(CapabilityRender, CsvHasOneColumnPerKernelAndEveryRow) {
  std::string csv = render_capabilities_csv(small());
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "category,feature,5.10,6.1");
  EXPECT_NE(csv.find("\nprog_helper,xdp:bpf_loop,no,yes\n"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 6);
}

TEST(CapabilityRender, JsonMapsValuesByKernel) {
  auto j = capabilities_to_json(small());
  EXPECT_EQ(j["folded"], 7);
  EXPECT_EQ(j["rows"][1]["feature"], "bpf_loop");
  EXPECT_EQ(j["rows"][1]["values"]["5.10"], "no");
  EXPECT_EQ(j["rows"][1]["values"]["6.1"], "yes");
}

TEST(CapabilityRender, RealFiveTenVersusSixOneStaysReadable) {
  auto m =
      build_capability_matrix({{"5.10", probe_fixture("5.10")}, {"6.1", probe_fixture("6.1")}});
  std::string t = render_capabilities_text(m);
  // Hundreds of per-type helper differences collapse to about one line per helper.
  EXPECT_LT(std::count(t.begin(), t.end(), '\n'), 200);
  EXPECT_NE(t.find("bpf_loop"), std::string::npos);
}

} // namespace vmtest
