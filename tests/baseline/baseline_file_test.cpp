// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/baseline_file.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "support/fixture.h"
#include "support/result_builders.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

namespace {
KernelResult sample() {
  auto k = kernel();
  auto p = accepted("xdp_count", 19);
  p.log_tail.insert(p.log_tail.begin(), "4: (18) r1 = 0xffff8c2a41f6e400");
  k.objects.push_back(
      object("loop.bpf.o", "sha-loop", {p, rejected("xdp_loop", "unknown func bpf_loop#181")}));
  k.objects.push_back(object("alpha.bpf.o", "sha-alpha", {accepted("tc_main", 700)}));
  return k;
}
Toolchain tools() {
  return {"Debian clang version 14.0.6", "1.1.2", "0.1.0"};
}
} // namespace

TEST(BaselineFile, FromKernelResultNormalisesAndHashes) {
  auto b = baseline_from_kernel_result(sample(), tools());
  EXPECT_EQ(b.format_version, 1);
  EXPECT_EQ(b.kernel.name, "6.1");
  EXPECT_EQ(b.kernel.release, "6.1.0-37-cloud-amd64");
  EXPECT_EQ(b.compiler.clang, "Debian clang version 14.0.6");
  ASSERT_EQ(b.objects.size(), 2u);
  const auto& p = b.objects.at("loop.bpf.o").programs.at("xdp_count");
  EXPECT_EQ(p.verdict, Verdict::Accepted);
  EXPECT_EQ(p.metrics[Metric::InsnsProcessed], 19);
  EXPECT_EQ(p.log_tail[0], "4: (18) r1 = 0xKADDR");
  EXPECT_EQ(p.log_tail[1], "verification time N usec");
  EXPECT_EQ(p.test_run.retval, 2u);
  EXPECT_EQ(p.test_run.data_out_sha256, sha256_hex(std::string("\x00\x11\x22\x33", 4)));
  const auto& r = b.objects.at("loop.bpf.o").programs.at("xdp_loop");
  EXPECT_EQ(r.err, 22);
  EXPECT_EQ(r.test_run.data_out_sha256, "");
}

TEST(BaselineFile, SerialisationIsDeterministicAndOrderIndependent) {
  auto k1 = sample();
  auto k2 = sample();
  std::reverse(k2.objects.begin(), k2.objects.end());
  for (auto& o : k2.objects)
    std::reverse(o.programs.begin(), o.programs.end());
  k2.boot_seconds = 9.9; // timings never reach the file
  k2.objects[0].programs[0].metrics[Metric::VerificationTimeUs] = 99999;
  const auto s1 = serialise_baseline(baseline_from_kernel_result(k1, tools()));
  EXPECT_EQ(s1, serialise_baseline(baseline_from_kernel_result(k1, tools())));
  EXPECT_EQ(s1, serialise_baseline(baseline_from_kernel_result(k2, tools())));
  EXPECT_EQ(s1.back(), '\n');
  // The only timing text left is the normalised placeholder.
  size_t usec = 0, placeholder = 0;
  for (auto pos = s1.find(" usec"); pos != std::string::npos; pos = s1.find(" usec", pos + 1))
    ++usec;
  for (auto pos = s1.find("time N usec"); pos != std::string::npos;
       pos = s1.find("time N usec", pos + 1))
    ++placeholder;
  EXPECT_EQ(usec, placeholder) << "a timing leaked into the baseline";
  EXPECT_GT(placeholder, 0u);
  EXPECT_EQ(s1.find("verification_time"), std::string::npos);
  EXPECT_EQ(s1.find("boot"), std::string::npos);
  EXPECT_EQ(s1.find("duration"), std::string::npos);
  // Sorted: alpha.bpf.o before loop.bpf.o; keys sorted within a program.
  EXPECT_LT(s1.find("alpha.bpf.o"), s1.find("loop.bpf.o"));
  EXPECT_LT(s1.find("\"errno\""), s1.find("\"verdict\""));
}

TEST(BaselineFile, RoundTrip) {
  auto b = baseline_from_kernel_result(sample(), tools());
  auto parsed = parse_baseline(serialise_baseline(b), "mem");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  EXPECT_EQ(*parsed, b);
}

// Issue 24: `baseline update` on a corpus with caf\xe9.bpf.o threw type_error.316. Names and
// log lines that are not UTF-8 are stored escaped with a marker and read back exactly.
TEST(BaselineFile, NamesAndLogLinesThatAreNotUtf8RoundTrip) {
  auto k = kernel();
  auto p = rejected("caf\xe9_prog", "; x; /* caf\xe9 */ @ a.bpf.c:3");
  p.line_costs.push_back({"a\xe9.bpf.c:3", "x; /* caf\xe9 */", 4});
  k.objects.push_back(object("caf\xe9.bpf.o", "sha-cafe", {p, accepted("plain", 3)}));
  k.line_costs_all = true;
  auto b = baseline_from_kernel_result(k, tools());
  std::string text;
  ASSERT_NO_THROW(text = serialise_baseline(b));
  EXPECT_NE(text.find("\"caf\\\\xe9.bpf.o\""), std::string::npos) << text;
  auto parsed = parse_baseline(text, "mem");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  EXPECT_EQ(*parsed, b);
  ASSERT_TRUE(parsed->objects.count("caf\xe9.bpf.o"));
  EXPECT_TRUE(parsed->objects.at("caf\xe9.bpf.o").programs.count("caf\xe9_prog"));
}

TEST(BaselineFile, ReadsCommittedFixture) {
  auto b = parse_baseline(fixture("baseline/6.1.json"), "6.1.json");
  ASSERT_TRUE(b.ok()) << b.error().str();
  EXPECT_EQ(b->kernel.image_sha256,
            "aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44");
  const auto& p = b->objects.at("loop.bpf.o").programs.at("xdp_loop");
  EXPECT_EQ(p.verdict, Verdict::Accepted);
  EXPECT_EQ(p.metrics[Metric::InsnsProcessed], 19);
  EXPECT_FALSE(
      b->objects.at("loop.bpf.o").programs.at("xdp_old").metrics[Metric::TotalStates].has_value());
  // The fixture predates the size metrics: it reads unchanged, and re-serialising writes them
  // as null (unknown) and is canonical from then on.
  const std::string again = serialise_baseline(*b);
  EXPECT_NE(again.find("\"jited_size\": null"), std::string::npos) << again;
  auto b2 = parse_baseline(again, "again.json");
  ASSERT_TRUE(b2.ok()) << b2.error().str();
  EXPECT_EQ(*b2, *b);
  EXPECT_EQ(serialise_baseline(*b2), again);
}

TEST(BaselineFile, CorruptJsonNamesTheFile) {
  auto text = fixture("baseline/6.1.json");
  auto b = parse_baseline(text.substr(0, text.size() / 2), "bpf/baselines/6.1.json");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("bpf/baselines/6.1.json"), std::string::npos);
  EXPECT_NE(b.error().str().find("not valid JSON"), std::string::npos);
  EXPECT_FALSE(parse_baseline("", "empty.json").ok());
  EXPECT_FALSE(parse_baseline("[]", "array.json").ok());
}

TEST(BaselineFile, UnknownFormatVersionIsAnError) {
  auto b = parse_baseline(fixture("baseline/future_version.json"), "bpf/baselines/6.12.json");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("bpf/baselines/6.12.json"), std::string::npos);
  EXPECT_NE(b.error().str().find("format_version 2"), std::string::npos);
}

// Issue 13's out-of-range integers: each is an error naming the file and the field, never a
// number that wraps into a valid one (4294967297 into version 1, 4294967309 into errno 13).
TEST(BaselineFile, OutOfRangeIntegersAreErrorsNamingTheFileAndField) {
  const std::string text = fixture("baseline/6.1.json");
  auto patched = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  const std::pair<std::string, std::string> cases[] = {
      {"\"format_version\": 4294967297", "format_version"},
      {"\"format_version\": 1.0", "format_version"},
      {"\"errno\": 4294967309", ".errno' is out of range"},
      {"\"errno\": 1e300", ".errno' must be an integer"},
      {"\"errno\": -4294967274", ".errno' is out of range"},
  };
  for (const auto& [value, field] : cases) {
    const std::string key = value.substr(0, value.find(':'));
    auto b = parse_baseline(patched(key + ": " + (key == "\"errno\"" ? "22" : "1"), value),
                            "bpf/baselines/6.1.json");
    ASSERT_FALSE(b.ok()) << value;
    EXPECT_NE(b.error().str().find("bpf/baselines/6.1.json: "), std::string::npos) << value;
    EXPECT_NE(b.error().str().find(field), std::string::npos) << b.error().str();
  }
}

// 10 000 nested arrays once overflowed the stack when an error message dumped the value.
TEST(BaselineFile, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto b = parse_baseline(R"({"format_version": 1, "kernel": )" + deep + "}", "deep.json");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("deep.json: baseline is nested deeper than"), std::string::npos)
      << b.error().str();
}

TEST(BaselineFile, MissingAndUnknownFieldsAreErrors) {
  auto text = fixture("baseline/6.1.json");
  auto drop = [&](const std::string& needle) {
    auto s = text;
    auto pos = s.find(needle);
    EXPECT_NE(pos, std::string::npos) << needle;
    s.erase(pos, needle.size());
    return s;
  };
  auto b = parse_baseline(drop("\"errno\": 0,"), "x.json");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("errno"), std::string::npos) << b.error().str();
  EXPECT_NE(b.error().str().find("x.json"), std::string::npos);

  // A metric is optional: a baseline recorded before the metric existed still reads, as unset.
  b = parse_baseline(drop("\"peak_states\": 3,"), "x.json");
  ASSERT_TRUE(b.ok()) << b.error().str();
  EXPECT_FALSE(b->objects.at("loop.bpf.o").programs.at("xdp_loop").metrics[Metric::PeakStates]);

  auto typo = text;
  typo.replace(typo.find("\"verdict\""), 9, "\"verdikt\"");
  b = parse_baseline(typo, "x.json");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("verdikt"), std::string::npos) << b.error().str();

  auto bad = text;
  bad.replace(bad.find("\"accepted\""), 10, "\"maybe\"");
  EXPECT_FALSE(parse_baseline(bad, "x.json").ok());

  auto no_version = drop("\"format_version\": 1,");
  b = parse_baseline(no_version, "x.json");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().str().find("format_version"), std::string::npos);
}

TEST(BaselineFile, SaveIsAtomicAndLoadable) {
  auto dir = make_temp_dir(std::filesystem::temp_directory_path(), "baseline-");
  ASSERT_TRUE(dir.ok());
  auto b = baseline_from_kernel_result(sample(), tools());
  auto path = baseline_path(*dir / "bpf" / "baselines", "6.1");
  EXPECT_EQ(path.filename(), "6.1.json");
  ASSERT_TRUE(save_baseline(path, b).ok());
  auto loaded = load_baseline(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().str();
  EXPECT_EQ(*loaded, b);
  auto missing = load_baseline(*dir / "nope.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().str().find("nope.json"), std::string::npos);
  std::filesystem::remove_all(*dir);
}

} // namespace vmtest

namespace vmtest {

// Which source a baseline was recorded on travels with it, and baselines from before rows had
// several sources (no "source" key) still read.
TEST(BaselineFile, RecordsTheSourceThatBootedAndReadsBaselinesWithoutOne) {
  auto k = testing::kernel();
  k.source = {"local", "$VMTEST_KERNEL_DIR/6.1"};
  auto b = baseline_from_kernel_result(k, {"clang", "1.4.6", "dev"});
  EXPECT_EQ(b.kernel.source.kind, "local");
  const std::string text = serialise_baseline(b);
  EXPECT_NE(text.find("\"kind\": \"local\""), std::string::npos) << text;
  auto back = parse_baseline(text, "b.json");
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_EQ(back->kernel.source, b.kernel.source);

  b.kernel.source = {};
  const std::string old = serialise_baseline(b);
  EXPECT_EQ(old.find("\"source\""), std::string::npos) << "absent, not empty";
  auto read = parse_baseline(old, "old.json");
  ASSERT_TRUE(read.ok()) << read.error().str();
  EXPECT_TRUE(read->kernel.source.empty());
}

} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;

TEST(BaselineFile, KeepsLineCostsOnlyFromRunsThatMeasuredEveryProgram) {
  auto k = kernel();
  auto p = accepted("cgskb_loop", 200);
  p.line_costs = {{"loop.bpf.c:16", "sum += buf[i];", 150}, {"", "return 0;", 2}};
  k.objects.push_back(object("loop.bpf.o", "s", {p}));
  // A normal run records line costs for the programs that changed only: not baseline material.
  EXPECT_TRUE(baseline_from_kernel_result(k, {})
                  .objects.at("loop.bpf.o")
                  .programs.at("cgskb_loop")
                  .line_costs.empty());
  k.line_costs_all = true;
  const Baseline b = baseline_from_kernel_result(k, {});
  const std::string text = serialise_baseline(b);
  EXPECT_NE(text.find("\"line_costs\""), std::string::npos);
  auto back = parse_baseline(text, "b.json");
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_EQ(*back, b);
  EXPECT_EQ(back->objects.at("loop.bpf.o").programs.at("cgskb_loop").line_costs, p.line_costs);

  auto j = nlohmann::json::parse(text);
  j["objects"]["loop.bpf.o"]["programs"]["cgskb_loop"]["line_costs"][0]["insns"] = -1;
  auto bad = parse_baseline(j.dump(), "b.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("line_costs"), std::string::npos) << bad.error().str();
}

} // namespace vmtest
