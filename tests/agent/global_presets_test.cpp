// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "agent/features.h"
#include "agent/global_presets.h"
#include "agent/program_loader.h"

#include <algorithm>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>
#include <unistd.h>

namespace vmtest {
namespace {

const std::string kFixture = VMTEST_BINARY_DIR "/tests/bpf/preset_fixture.bpf.o";

std::vector<uint8_t> bytes(const GlobalBytes& b) {
  EXPECT_EQ(b.error, "");
  return b.bytes;
}

TEST(EncodeGlobal, IntegersAreLittleEndianOfTheVariablesSize) {
  GlobalType u32{4, false, false, {}};
  EXPECT_EQ(bytes(encode_global("v", "0x01020304", u32)), (std::vector<uint8_t>{4, 3, 2, 1}));
  GlobalType s16{2, true, false, {}};
  EXPECT_EQ(bytes(encode_global("v", "-2", s16)), (std::vector<uint8_t>{0xfe, 0xff}));
  GlobalType u64{8, false, false, {}};
  EXPECT_EQ(bytes(encode_global("v", "18446744073709551615", u64)), std::vector<uint8_t>(8, 0xff));
}

TEST(EncodeGlobal, RefusesWhatTheTypeCannotHold) {
  GlobalType u8{1, false, false, {}};
  EXPECT_NE(encode_global("v", "256", u8).error, "");
  EXPECT_NE(encode_global("v", "-1", u8).error, "");
  EXPECT_NE(encode_global("v", "12abc", u8).error, "");
  EXPECT_NE(encode_global("v", "MODE_FAST", u8).error, "") << "a name for a non-enum";
  GlobalType s8{1, true, false, {}};
  EXPECT_EQ(encode_global("v", "-128", s8).error, "");
  EXPECT_NE(encode_global("v", "128", s8).error, "");
  GlobalType b{1, false, true, {}};
  EXPECT_EQ(bytes(encode_global("flag", "1", b)), (std::vector<uint8_t>{1}));
  auto bad = encode_global("flag", "2", b);
  EXPECT_NE(bad.error.find("flag"), std::string::npos) << bad.error;
}

TEST(EncodeGlobal, EnumeratorsResolveByName) {
  GlobalType e{4, false, false, {{"MODE_OFF", 0}, {"MODE_SLOW", 7}}};
  EXPECT_EQ(bytes(encode_global("chosen", "MODE_SLOW", e)), (std::vector<uint8_t>{7, 0, 0, 0}));
  EXPECT_NE(encode_global("chosen", "MODE_NONE", e).error, "");
}

struct Opened {
  bpf_object* obj = bpf_object__open_file(kFixture.c_str(), nullptr);
  ~Opened() { bpf_object__close(obj); }
  // The initial bytes of the internal map whose name ends in `suffix`.
  std::vector<uint8_t> section(const char* suffix) const {
    bpf_map* m;
    bpf_object__for_each_map(m, obj) {
      std::string n = bpf_map__name(m);
      if (n.size() >= std::strlen(suffix) && n.ends_with(suffix)) {
        size_t size = 0;
        auto* d = static_cast<const uint8_t*>(bpf_map__initial_value(m, &size));
        return d ? std::vector<uint8_t>(d, d + size) : std::vector<uint8_t>{};
      }
    }
    return {};
  }
};

TEST(ApplyGlobals, WritesRodataDataAndBssBeforeLoad) {
  Opened o;
  ASSERT_TRUE(o.obj) << kFixture;
  const auto rodata = o.section(".rodata"), data = o.section(".data"), bss = o.section(".bss");
  ASSERT_FALSE(rodata.empty());
  EXPECT_EQ(
      apply_globals(
          o.obj, {{"heavy", "1"}, {"offset", "-300"}, {"small", "200"}, {"chosen", "MODE_FAST"}}),
      "");
  const auto rodata2 = o.section(".rodata"), data2 = o.section(".data"), bss2 = o.section(".bss");
  EXPECT_NE(rodata, rodata2);
  EXPECT_NE(data, data2);
  EXPECT_NE(bss, bss2);
  // The values themselves: find them as the bytes we wrote.
  auto has = [](const std::vector<uint8_t>& hay, std::vector<uint8_t> needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
  };
  EXPECT_TRUE(has(rodata2, {0xd4, 0xfe})); // -300 as s16
  EXPECT_TRUE(has(data2, {200}));
  EXPECT_TRUE(has(bss2, {3, 0, 0, 0}));
}

TEST(ApplyGlobals, NamesWhatItCannotSet) {
  Opened o;
  ASSERT_TRUE(o.obj);
  auto missing = apply_globals(o.obj, {{"no_such_var", "1"}});
  EXPECT_NE(missing.find("no_such_var"), std::string::npos) << missing;
  auto strukt = apply_globals(o.obj, {{"not_scalar", "1"}});
  EXPECT_NE(strukt.find("not an integer"), std::string::npos) << strukt;
  auto range = apply_globals(o.obj, {{"small", "300"}});
  EXPECT_NE(range.find("small"), std::string::npos) << range;
  EXPECT_EQ(apply_globals(o.obj, {}), "");
}

// Loads into the host kernel: needs root.
TEST(ApplyGlobals, TheVerifierSeesTheRodataFlag) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to call bpf()";
  auto load = [](std::vector<GlobalSetting> globals) {
    auto listing = list_programs(kFixture);
    EXPECT_EQ(listing.error, "");
    LoadOptions opts;
    opts.log_stats = probe_features().log_stats;
    opts.globals = std::move(globals);
    auto results =
        load_object(kFixture, listing, opts, [](size_t, int, ProgramResult&) { return false; });
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? ProgramResult{} : results[0];
  };
  ProgramResult light = load({{"heavy", "0"}}), heavy = load({{"heavy", "1"}});
  ASSERT_EQ(light.verdict, Verdict::Accepted) << light.error;
  ASSERT_EQ(heavy.verdict, Verdict::Accepted) << heavy.error;
  ASSERT_TRUE(light.metrics[Metric::InsnsProcessed] && heavy.metrics[Metric::InsnsProcessed]);
  // The unrolled rounds are dead code under heavy=0: the verifier never walks them.
  EXPECT_GT(*heavy.metrics[Metric::InsnsProcessed], *light.metrics[Metric::InsnsProcessed] + 30);
  // A bad preset stops the load rather than verifying the defaults under the preset's name
  // (the agent names the variable: it checks presets before loading).
  ProgramResult bad = load({{"no_such_var", "1"}});
  EXPECT_EQ(bad.verdict, Verdict::Rejected);
  EXPECT_EQ(bad.err, EINVAL);
}

} // namespace
} // namespace vmtest
