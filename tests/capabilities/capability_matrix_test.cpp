// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/capability_matrix.h"
#include "capability_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
using nlohmann::json;
using testing::probe_fixture;

namespace {
const CapabilityRow* find_row(const CapabilityMatrix& m, const std::string& category,
                              const std::string& feature) {
  for (const auto& r : m.rows)
    if (r.category == category && r.feature == feature) return &r;
  return nullptr;
}
} // namespace

TEST(CapabilityMatrix, FlattensEverySectionOfARealProbe) {
  auto flat = flatten_capabilities(probe_fixture("6.1"));
  EXPECT_EQ(flat.at({"program_type", "xdp"}), "yes");
  EXPECT_EQ(flat.at({"program_type", "syscall"}), "yes");
  EXPECT_EQ(flat.at({"map_type", "ringbuf"}), "yes");
  EXPECT_EQ(flat.at({"helper", "bpf_loop"}), "yes");
  EXPECT_EQ(flat.at({"prog_helper", "xdp:bpf_loop"}), "yes");
  EXPECT_EQ(flat.at({"syscall", "bpf_syscall"}), "yes");
  EXPECT_EQ(flat.at({"misc", "bounded_loops"}), "yes");
  // Read from /boot/config-<release>, which the guest image provides.
  EXPECT_EQ(flat.at({"config", "CONFIG_BPF_SYSCALL"}), "y");
  EXPECT_EQ(flat.at({"config", "CONFIG_NET_CLS_BPF"}), "m");
  EXPECT_EQ(flat.at({"config", "CONFIG_TEST_BPF"}), "-"); // null: not set
  EXPECT_EQ(flat.at({"config", "bpf_jit_enable"}), "1");
}

TEST(CapabilityMatrix, FiveTenLacksBpfLoopAndTheSyscallProgramType) {
  auto flat = flatten_capabilities(probe_fixture("5.10"));
  EXPECT_EQ(flat.count({"helper", "bpf_loop"}), 0u);
  EXPECT_EQ(flat.at({"program_type", "syscall"}), "no");
  EXPECT_EQ(flat.at({"helper", "bpf_map_lookup_elem"}), "yes");
}

TEST(CapabilityMatrix, FoldsWhatEveryKernelSharesAndKeepsTheDifferences) {
  auto m =
      build_capability_matrix({{"5.10", probe_fixture("5.10")}, {"6.1", probe_fixture("6.1")}});
  EXPECT_EQ(m.kernels, (std::vector<std::string>{"5.10", "6.1"}));
  EXPECT_GT(m.folded, 1000u);
  EXPECT_EQ(m.total, m.folded + m.rows.size());

  auto* loop = find_row(m, "helper", "bpf_loop");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->values, (std::vector<std::string>{"no", "yes"}));
  auto* xdp_loop = find_row(m, "prog_helper", "xdp:bpf_loop");
  ASSERT_NE(xdp_loop, nullptr);
  EXPECT_EQ(xdp_loop->values, (std::vector<std::string>{"no", "yes"}));
  auto* syscall = find_row(m, "program_type", "syscall");
  ASSERT_NE(syscall, nullptr);
  EXPECT_EQ(syscall->values, (std::vector<std::string>{"no", "yes"}));

  EXPECT_EQ(find_row(m, "program_type", "xdp"), nullptr) << "same everywhere: folded";
  EXPECT_EQ(find_row(m, "helper", "bpf_map_lookup_elem"), nullptr);
  // 5.10 has no syscall programs, so "syscall:bpf_map_lookup_elem" is n/a there rather than
  // a difference; the program_type row already tells that story.
  EXPECT_EQ(find_row(m, "prog_helper", "syscall:bpf_map_lookup_elem"), nullptr);
}

TEST(CapabilityMatrix, RowsComeInCategoryOrder) {
  auto m =
      build_capability_matrix({{"5.10", probe_fixture("5.10")}, {"6.1", probe_fixture("6.1")}});
  for (size_t i = 1; i < m.rows.size(); ++i)
    EXPECT_LE(category_rank(m.rows[i - 1].category), category_rank(m.rows[i].category));
}

TEST(CapabilityMatrix, UnfoldedAndSingleKernelMatricesKeepEveryRow) {
  auto one = build_capability_matrix({{"6.1", probe_fixture("6.1")}});
  EXPECT_EQ(one.folded, 0u);
  EXPECT_EQ(one.rows.size(), one.total);
  auto all =
      build_capability_matrix({{"5.10", probe_fixture("5.10")}, {"6.1", probe_fixture("6.1")}},
                              /*fold=*/false);
  EXPECT_EQ(all.folded, 0u);
  ASSERT_NE(find_row(all, "program_type", "xdp"), nullptr);
  // Unfolded, the n/a shows.
  auto* row = find_row(all, "prog_helper", "syscall:bpf_map_lookup_elem");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->values, (std::vector<std::string>{kNotApplicable, "yes"}));
}

TEST(CapabilityMatrix, AFeatureAKernelDoesNotReportIsUnknownNotAbsent) {
  json a = {{"map_types", {{"have_hash_map_type", true}}}, {"misc", {{"have_new_thing", true}}}};
  json b = {{"map_types", {{"have_hash_map_type", true}}}};
  auto m = build_capability_matrix({{"a", a}, {"b", b}});
  auto* row = find_row(m, "misc", "new_thing");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->values, (std::vector<std::string>{"yes", kUnknownValue}));
}

TEST(CapabilityMatrix, CollectNamesKernelsWithoutAProbe) {
  RunResults run;
  KernelResult ok, failed, unprobed, other;
  ok.name = "6.1";
  ok.capabilities = probe_fixture("6.1");
  failed.name = "5.10";
  failed.status = KernelStatus::Ok;
  failed.capabilities_error = "/usr/sbin/bpftool timed out after 90 s";
  unprobed.name = "6.12";
  unprobed.status = KernelStatus::BootFailed;
  other.name = "host";
  other.capabilities = probe_fixture("host");
  run.kernels = {ok, failed, unprobed, other};
  std::vector<std::string> notes;
  auto cols = collect_capabilities(run, {"6.1", "5.10", "6.12"}, notes);
  ASSERT_EQ(cols.size(), 1u);
  EXPECT_EQ(cols[0].kernel, "6.1");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], "5.10: not probed: /usr/sbin/bpftool timed out after 90 s");
  EXPECT_EQ(notes[1], "6.12: not probed: boot_failed");
}

TEST(CapabilityMatrix, FilterKeepsOnlyTheAskedCategories) {
  auto m =
      build_capability_matrix({{"5.10", probe_fixture("5.10")}, {"6.1", probe_fixture("6.1")}});
  auto f = filter_categories(m, {"map_type"});
  ASSERT_FALSE(f.rows.empty());
  for (const auto& r : f.rows)
    EXPECT_EQ(r.category, "map_type");
  EXPECT_EQ(f.folded, m.folded);
}

} // namespace vmtest
