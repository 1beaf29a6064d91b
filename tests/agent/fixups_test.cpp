// SPDX-License-Identifier: BSD-2-Clause
// The loader's fixups, on the objects of tests/data/bpf/fixup_*.bpf.c. Opening and fixing up
// needs no privilege; the verdict checks load into the running kernel and need root. The same
// objects run in real guests in tests/e2e/loader_e2e_test.cpp.
#include "test_paths.h"
#include "agent/features.h"
#include "agent/fixups.h"
#include "agent/log_capture.h"
#include "agent/program_loader.h"

#include <bpf/libbpf.h>
#include <cstring>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <unistd.h>

namespace vmtest {
namespace {

std::string fixup_object(const std::string& name) {
  return VMTEST_BINARY_DIR "/tests/bpf/fixups/fixup_" + name + ".bpf.o";
}

struct Closer {
  void operator()(bpf_object* o) const { bpf_object__close(o); }
};
using Object = std::unique_ptr<bpf_object, Closer>;

Object open(const std::string& name) {
  Object o(bpf_object__open_file(fixup_object(name).c_str(), nullptr));
  EXPECT_NE(o, nullptr) << name;
  return o;
}

TEST(FixupsTest, GuessesTheTypeAnFreplaceProgramReplaces) {
  auto obj = open("freplace");
  ASSERT_NE(obj, nullptr);
  auto* xdp = bpf_object__find_program_by_name(obj.get(), "freplace_xdp");
  auto* skb = bpf_object__find_program_by_name(obj.get(), "freplace_skb");
  auto* unknown = bpf_object__find_program_by_name(obj.get(), "freplace_unknown");
  ASSERT_TRUE(xdp && skb && unknown);
  auto g = guess_freplace_type(obj.get(), xdp);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->prog_type, BPF_PROG_TYPE_XDP);
  EXPECT_EQ(g->attach_type, BPF_XDP);
  g = guess_freplace_type(obj.get(), skb);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->prog_type, BPF_PROG_TYPE_SCHED_CLS);
  EXPECT_FALSE(guess_freplace_type(obj.get(), unknown).has_value());

  apply_fixups(obj.get(), nullptr);
  EXPECT_EQ(bpf_program__type(xdp), BPF_PROG_TYPE_XDP);
  EXPECT_EQ(bpf_program__expected_attach_type(xdp), BPF_XDP);
  EXPECT_EQ(bpf_program__type(skb), BPF_PROG_TYPE_SCHED_CLS);
  EXPECT_EQ(bpf_program__type(unknown), BPF_PROG_TYPE_EXT);
}

TEST(FixupsTest, OnlyFreplaceProgramsAreGuessed) {
  auto obj = open("runtime_max_entries");
  ASSERT_NE(obj, nullptr);
  auto* p = bpf_object__find_program_by_name(obj.get(), "xdp_runtime_sized");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(guess_freplace_type(obj.get(), p).has_value());
}

TEST(FixupsTest, ListingShowsTheTypeAProgramIsLoadedAs) {
  auto listing = list_programs(fixup_object("freplace"));
  ASSERT_TRUE(listing.error.empty()) << listing.error;
  std::map<std::string, std::string> types;
  for (const auto& p : listing.programs)
    types[p.name] = p.prog_type;
  EXPECT_EQ(types["freplace_xdp"], "xdp");
  EXPECT_EQ(types["freplace_skb"], "sched_cls");
  EXPECT_EQ(types["freplace_unknown"], "ext");
}

TEST(FixupsTest, LocalStorageKeepsZeroEntriesAndOtherMapsGetOne) {
  for (std::string name : {"storage_maps", "cgrp_storage", "percpu_cgroup_storage",
                           "runtime_max_entries", "runtime_value_size"}) {
    auto obj = open(name);
    ASSERT_NE(obj, nullptr);
    apply_fixups(obj.get(), nullptr);
    bpf_map* map;
    bpf_object__for_each_map(map, obj.get()) {
      switch (bpf_map__type(map)) {
      case BPF_MAP_TYPE_SK_STORAGE:
      case BPF_MAP_TYPE_TASK_STORAGE:
      case BPF_MAP_TYPE_INODE_STORAGE:
      case BPF_MAP_TYPE_CGRP_STORAGE:
      case BPF_MAP_TYPE_CGROUP_STORAGE:
      case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
        EXPECT_EQ(bpf_map__max_entries(map), 0u) << name << ":" << bpf_map__name(map);
        break;
      case BPF_MAP_TYPE_RINGBUF: // libbpf rounds a ring buffer up to whole pages
        EXPECT_EQ(bpf_map__max_entries(map), static_cast<__u32>(getpagesize()));
        break;
      default:
        EXPECT_EQ(bpf_map__max_entries(map), 1u) << name << ":" << bpf_map__name(map);
      }
    }
  }
}

TEST(FixupsTest, BigHashAndStackMapsAreCappedArraysAreNot) {
  auto obj = open("big_maps");
  ASSERT_NE(obj, nullptr);
  apply_fixups(obj.get(), nullptr);
  std::map<std::string, __u32> entries;
  bpf_map* map;
  bpf_object__for_each_map(map, obj.get()) entries[bpf_map__name(map)] = bpf_map__max_entries(map);
  EXPECT_EQ(entries["hash"], 64u);
  EXPECT_EQ(entries["lru"], 64u);
  EXPECT_EQ(entries["percpu"], 64u);
  EXPECT_EQ(entries["stacks"], 64u);
  EXPECT_EQ(entries["small"], 16u);
  EXPECT_EQ(entries["array"], 10240u);
}

TEST(FixupsTest, AnObjectWithAMapInMapKeepsEverySize) {
  auto obj = open("map_in_map");
  ASSERT_NE(obj, nullptr);
  apply_fixups(obj.get(), nullptr);
  auto* inner = bpf_object__find_map_by_name(obj.get(), "inner_a");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(bpf_map__max_entries(inner), 10240u);
}

TEST(FixupsTest, ARuntimeValueSizeIsLeftForTheKernelToRefuse) {
  auto obj = open("runtime_value_size");
  ASSERT_NE(obj, nullptr);
  apply_fixups(obj.get(), nullptr);
  auto* stackmap = bpf_object__find_map_by_name(obj.get(), "stackmap");
  ASSERT_NE(stackmap, nullptr);
  EXPECT_EQ(bpf_map__value_size(stackmap), 0u);
}

// The struct_ops map's member slots hold the programs they reference (libbpf's shadow layout).
std::vector<const bpf_program*> referenced(bpf_object* obj) {
  auto* map = bpf_object__find_map_by_name(obj, "vmtest_cc");
  EXPECT_NE(map, nullptr);
  std::vector<const bpf_program*> out;
  size_t size = 0;
  auto* data = static_cast<const unsigned char*>(bpf_map__initial_value(map, &size));
  EXPECT_NE(data, nullptr);
  bpf_program* p;
  bpf_object__for_each_program(p, obj) {
    for (size_t off = 0; data && off + sizeof(void*) <= size; off += sizeof(void*)) {
      const bpf_program* slot;
      std::memcpy(&slot, data + off, sizeof slot);
      if (slot == p) out.push_back(p);
    }
  }
  return out;
}

TEST(FixupsTest, StructOpsMapsAreMaskedToTheProgramBeingLoaded) {
  auto obj = open("struct_ops");
  ASSERT_NE(obj, nullptr);
  EXPECT_EQ(referenced(obj.get()).size(), 3u);
  auto* good = bpf_object__find_program_by_name(obj.get(), "good_ssthresh");
  ASSERT_NE(good, nullptr);
  apply_fixups(obj.get(), good);
  EXPECT_EQ(referenced(obj.get()), std::vector<const bpf_program*>{good});
}

TEST(FixupsTest, WholeObjectLoadsLeaveStructOpsMapsAlone) {
  auto obj = open("struct_ops");
  ASSERT_NE(obj, nullptr);
  apply_fixups(obj.get(), nullptr);
  EXPECT_EQ(referenced(obj.get()).size(), 3u);
}

// --- verdicts on the running kernel: what veristat gives for the same objects ---

class FixupVerdictTest : public ::testing::TestWithParam<bool> {
protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to call bpf()";
    install_libbpf_capture(false); // rejections carry libbpf's words, as in the agent
    features_ = probe_features();
  }
  std::map<std::string, ProgramResult> load(const std::string& name) {
    auto listing = list_programs(fixup_object(name));
    EXPECT_TRUE(listing.error.empty()) << listing.error;
    LoadOptions o;
    o.log_stats = features_.log_stats;
    o.log_rotating = features_.log_rotating;
    o.isolated = GetParam();
    std::map<std::string, ProgramResult> out;
    for (auto& r : load_object(fixup_object(name), listing, o,
                               [](size_t, int, ProgramResult&) { return false; }))
      out[r.name] = r;
    return out;
  }
  AgentFeatures features_;
};

TEST_P(FixupVerdictTest, LocalStorageProgramsLoad) {
  auto r = load("storage_maps");
  ASSERT_EQ(r.size(), 3u);
  for (const auto& [name, p] : r)
    EXPECT_EQ(p.verdict, Verdict::Accepted) << name << "\n" << p.error;
  auto percpu = load("percpu_cgroup_storage");
  EXPECT_EQ(percpu["cgskb_percpu_cgroup_storage"].verdict, Verdict::Accepted)
      << percpu["cgskb_percpu_cgroup_storage"].error;
}

TEST_P(FixupVerdictTest, StructOpsProgramsAreJudgedOneByOne) {
  auto r = load("struct_ops");
  EXPECT_EQ(r["good_ssthresh"].verdict, Verdict::Accepted) << r["good_ssthresh"].error;
  EXPECT_EQ(r["good_cong_avoid"].verdict, Verdict::Accepted) << r["good_cong_avoid"].error;
  EXPECT_EQ(r["bad_undo_cwnd"].verdict, Verdict::Rejected);
  EXPECT_EQ(r["bad_undo_cwnd"].err, EACCES);
}

TEST_P(FixupVerdictTest, FreplaceLoadsAsTheGuessedType) {
  auto r = load("freplace");
  EXPECT_EQ(r["freplace_xdp"].verdict, Verdict::Accepted) << r["freplace_xdp"].error;
  EXPECT_EQ(r["freplace_xdp"].prog_type, "xdp");
  EXPECT_EQ(r["freplace_skb"].verdict, Verdict::Accepted) << r["freplace_skb"].error;
  EXPECT_EQ(r["freplace_unknown"].verdict, Verdict::Rejected);
  EXPECT_EQ(r["freplace_unknown"].err, EINVAL);
}

TEST_P(FixupVerdictTest, MapsSizedAtRunTimeLoadWithOneEntry) {
  auto r = load("runtime_max_entries");
  ASSERT_EQ(r.size(), 2u);
  for (const auto& [name, p] : r)
    EXPECT_EQ(p.verdict, Verdict::Accepted) << name << "\n" << p.error;
}

TEST_P(FixupVerdictTest, CappedMapsAndMapInMapObjectsLoad) {
  auto big = load("big_maps");
  EXPECT_EQ(big["kprobe_big_maps"].verdict, Verdict::Accepted) << big["kprobe_big_maps"].error;
  auto nested = load("map_in_map");
  EXPECT_EQ(nested["xdp_map_in_map"].verdict, Verdict::Accepted) << nested["xdp_map_in_map"].error;
}

TEST_P(FixupVerdictTest, AStackMapWithoutValueSizeRejectsTheWholeObject) {
  auto r = load("runtime_value_size");
  ASSERT_EQ(r.size(), 2u);
  for (const auto& [name, p] : r) {
    EXPECT_EQ(p.verdict, Verdict::Rejected) << name;
    EXPECT_EQ(p.err, EINVAL) << name;
    EXPECT_NE(p.error.find("map 'stackmap': failed to create"), std::string::npos) << p.error;
  }
}

INSTANTIATE_TEST_SUITE_P(Loads, FixupVerdictTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Isolated" : "WholeObject"; });

} // namespace
} // namespace vmtest
