// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "testrun/testrun_file.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
const fs::path kData = fs::path(VMTEST_TEST_DATA) / "testrun";

// Parses YAML text and returns the error text, failing the test if it parsed.
std::string error_of(const std::string& yaml) {
  auto r = parse_testrun_yaml(yaml, "cases.yaml");
  EXPECT_FALSE(r.ok()) << "parsed but should not have:\n" << yaml;
  return r.ok() ? "" : r.error().str();
}

std::string one_case(const std::string& body) {
  return "cases:\n  - program: xdp_prog\n    name: the_case\n" + body;
}

#define EXPECT_HAS(haystack, needle)                                                               \
  EXPECT_NE((haystack).find(needle), std::string::npos)                                            \
      << "missing '" << (needle) << "' in: " << (haystack)
} // namespace

TEST(TestrunFileTest, LoadsEveryFieldOfTheSample) {
  auto r = load_testrun_file(kData / "sample.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  ASSERT_EQ(r->size(), 3u);

  const TestCase& a = (*r)[0];
  EXPECT_EQ(a.program, "xdp_bpf_loop");
  EXPECT_EQ(a.name, "ipv4_tcp_syn");
  EXPECT_EQ(a.data_in_hex, "0200000000020200000000010800"
                           "4500002c00000000400666ca0a0000010a000002"
                           "04d2005000000000000000005002fffff91c0000deadbeef");
  EXPECT_EQ(a.ctx_in_hex, "");
  EXPECT_EQ(a.repeat, 1u);
  EXPECT_EQ(a.expect_retval, 2u);
  EXPECT_FALSE(a.expect_data_out_hex);

  const TestCase& b = (*r)[1];
  EXPECT_EQ(b.data_in_hex, "ffffffffffff02000000000188b500");
  EXPECT_EQ(b.repeat, 5u);
  EXPECT_EQ(b.expect_retval, 2u);                                     // TC_ACT_SHOT
  EXPECT_EQ(b.expect_data_out_hex, "ffffffffffff02000000000188b500"); // normalised

  const TestCase& c = (*r)[2];
  EXPECT_EQ(c.data_in_hex, "");
  EXPECT_EQ(c.ctx_in_hex, "0100000000000000");
  EXPECT_EQ(c.repeat, 0u);
  EXPECT_EQ(c.expect_retval, 0xffffffffu);
}

TEST(TestrunFileTest, DirLookupUsesTheObjectStem) {
  auto r = load_testrun_dir(kData, object_stem("sample.bpf.o"));
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(r->size(), 3u);
}

TEST(TestrunFileTest, MissingFileMeansNoCases) {
  auto r = load_testrun_dir(kData, "no_such_object");
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_TRUE(r->empty());
}

TEST(TestrunFileTest, UnreadableFileIsAnErrorNamingIt) {
  auto r = load_testrun_file(kData / "no_such_file.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "no_such_file.yaml");
}

TEST(TestrunFileTest, EmptyFileAndEmptyListMeanNoCases) {
  auto a = parse_testrun_yaml("", "empty.yaml");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->empty());
  auto b = parse_testrun_yaml("cases: []\n", "empty.yaml");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
}

TEST(TestrunFileTest, BadYamlNamesFileAndLine) {
  auto r = load_testrun_file(kData / "broken.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "broken.yaml");
  EXPECT_HAS(r.error().str(), "invalid YAML at line");
}

TEST(TestrunFileTest, UnknownFieldNamesFileCaseAndField) {
  auto r = load_testrun_file(kData / "unknown_field.yaml");
  ASSERT_FALSE(r.ok());
  const std::string e = r.error().str();
  EXPECT_HAS(e, "unknown_field.yaml");
  EXPECT_HAS(e, "case 'typo_in_ipv4'");
  EXPECT_HAS(e, "packet.ipv4");
  EXPECT_HAS(e, "unknown field 'tll'");
}

TEST(TestrunFileTest, UnknownFieldsAtEveryLevel) {
  EXPECT_HAS(error_of("cases: []\nextra: 1\n"), "unknown field 'extra'");
  EXPECT_HAS(error_of(one_case("    hexx: \"00\"\n")), "unknown field 'hexx'");
  EXPECT_HAS(error_of(one_case("    expect: {retval: 1, data_out: \"00\"}\n")),
             "unknown field 'data_out'");
  EXPECT_HAS(error_of(one_case("    packet: {eth: {type: 1}, ip: {}}\n")), "unknown field 'ip'");
}

// YAML lets a key be a list or a map; found by fuzz/testrun (an uncaught bad conversion).
TEST(TestrunFileTest, KeysThatAreNotNamesAreErrorsAtEveryLevel) {
  EXPECT_HAS(error_of("[a]: 1\n"), "top level: a key is not a plain name");
  EXPECT_HAS(error_of("{x: 1}: 1\n"), "top level: a key is not a plain name");
  EXPECT_HAS(error_of("cases:\n  - {[program]: xdp_prog, name: n}\n"), "a key is not a plain name");
  EXPECT_HAS(error_of("presets:\n  [p]: {flag: 1}\n"), "is not a preset name");
  EXPECT_HAS(error_of("presets:\n  p: {[flag]: 1}\n"), "is not a variable name");
}

TEST(TestrunFileTest, BadHexNamesCaseAndField) {
  std::string e = error_of(one_case("    hex: \"0g\"\n"));
  EXPECT_HAS(e, "cases.yaml: case 'the_case'");
  EXPECT_HAS(e, "hex: bad hex character 'g'");
  EXPECT_HAS(error_of(one_case("    ctx_in_hex: \"abc\"\n")), "ctx_in_hex: odd number");
  EXPECT_HAS(error_of(one_case("    packet: {eth: {type: 1}, payload_hex: \"x\"}\n")),
             "packet.payload_hex");
  EXPECT_HAS(error_of(one_case("    hex: \"00\"\n    expect: {data_out_hex: \"0\"}\n")),
             "expect.data_out_hex");
}

TEST(TestrunFileTest, UnknownSymbolicRetvalIsNamed) {
  std::string e = error_of(one_case("    hex: \"00\"\n    expect: {retval: XDP_PAS}\n"));
  EXPECT_HAS(e, "case 'the_case'");
  EXPECT_HAS(e, "unknown symbolic retval 'XDP_PAS'");
  EXPECT_HAS(e, "XDP_PASS"); // the list of known names helps spot the typo
}

TEST(TestrunFileTest, NumericRetvalsIncludingHexAndNegative) {
  auto r = parse_testrun_yaml(one_case("    expect: {retval: 0x10}\n"), "x.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ((*r)[0].expect_retval, 16u);
  auto n = parse_testrun_yaml(one_case("    expect: {retval: -2}\n"), "x.yaml");
  ASSERT_TRUE(n.ok()) << n.error().str();
  EXPECT_EQ((*n)[0].expect_retval, 0xfffffffeu);
  EXPECT_HAS(error_of(one_case("    expect: {retval: 4294967296}\n")), "out of range");
}

TEST(TestrunFileTest, BadFieldValuesAreErrors) {
  EXPECT_HAS(error_of(one_case("    packet: {ipv4: {src: 10.0.0.300, dst: 10.0.0.1}}\n")),
             "packet.ipv4.src: not an IPv4 address");
  EXPECT_HAS(error_of(one_case("    packet: {ipv4: {src: 10.0.0.1, dst: 10.0.0.2, ttl: 256}}\n")),
             "packet.ipv4.ttl: 256 is out of range");
  EXPECT_HAS(error_of(one_case(
                 "    packet: {eth: {src: \"02:00\"}, ipv6: {src: \"::1\", dst: \"::2\"}}\n")),
             "packet.eth.src: not a MAC address");
  EXPECT_HAS(error_of(one_case(
                 "    packet: {ipv4: {src: 1.1.1.1, dst: 1.1.1.2}, tcp: {flags: [syn, foo]}}\n")),
             "unknown flag 'foo'");
  EXPECT_HAS(error_of(one_case("    packet: {udp: {sport: 1}}\n")), "needs an ipv4 or ipv6 layer");
  EXPECT_HAS(error_of(one_case("    packet: {ipv4: {src: 1.1.1.1}}\n")),
             "needs both 'src' and 'dst'");
  EXPECT_HAS(error_of(one_case("    hex: \"00\"\n    packet: {eth: {type: 1}}\n")),
             "both 'packet' and 'hex'");
  EXPECT_HAS(error_of(one_case("    repeat: many\n")), "repeat: expected a number");
}

TEST(TestrunFileTest, CaseWithoutNameIsIdentifiedByPosition) {
  std::string e = error_of("cases:\n  - program: p\n    name: ok\n  - program: p\n");
  EXPECT_HAS(e, "case #2");
  EXPECT_HAS(e, "missing 'name'");
}

TEST(TestrunFileTest, DuplicateCaseNamesPerProgramAreErrors) {
  std::string e = error_of(
      "cases:\n  - {program: p, name: a}\n  - {program: q, name: a}\n  - {program: p, name: a}\n");
  EXPECT_HAS(e, "case 'a'");
  EXPECT_HAS(e, "duplicate case name for program 'p'");
}

TEST(TestrunFileTest, ObjectStem) {
  EXPECT_EQ(object_stem("parser.bpf.o"), "parser");
  EXPECT_EQ(object_stem("xdp_pass.o"), "xdp_pass");
  EXPECT_EQ(object_stem("plain"), "plain");
}

// Keeps the committed testrun/ files valid: each must parse and name an existing object.
TEST(TestrunFileTest, RepositoryCasesAllParse) {
  const fs::path dir = fs::path(VMTEST_SOURCE_DIR) / "testrun";
  if (!fs::exists(dir)) GTEST_SKIP() << "no testrun/ directory";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    auto r = load_testrun_file(entry.path());
    ASSERT_TRUE(r.ok()) << r.error().str();
    EXPECT_FALSE(r->empty()) << entry.path();
    const fs::path source =
        fs::path(VMTEST_SOURCE_DIR) / "bpf" / "corpus" / (entry.path().stem().string() + ".bpf.c");
    EXPECT_TRUE(fs::exists(source)) << entry.path() << " has no matching " << source;
  }
  EXPECT_GT(files, 0);
}

TEST(TestrunFileTest, PresetsParseInFileOrderWithNormalisedValues) {
  auto r = parse_testrun_spec(R"(
presets:
  fine: {use_coarse_clock: false}
  coarse: {use_coarse_clock: true, rounds: 0x10, mode: MODE_SLOW, delta: -3}
cases:
  - program: p
    name: c
)",
                              "x.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  ASSERT_EQ(r->presets.size(), 2u);
  EXPECT_EQ(r->presets[0], (Preset{"fine", {{"use_coarse_clock", "0"}}}));
  EXPECT_EQ(r->presets[1], (Preset{"coarse",
                                   {{"use_coarse_clock", "1"},
                                    {"rounds", "0x10"},
                                    {"mode", "MODE_SLOW"},
                                    {"delta", "-3"}}}));
  EXPECT_EQ(r->cases.size(), 1u);
  // The old entry point still reads the cases of a file that also has presets.
  auto cases = parse_testrun_yaml("presets: {a: {x: 1}}\n", "x.yaml");
  ASSERT_TRUE(cases.ok()) << cases.error().str();
  EXPECT_TRUE(cases->empty());
}

TEST(TestrunFileTest, PresetMistakesAreErrors) {
  auto error_of = [](const std::string& yaml) {
    auto r = parse_testrun_spec(yaml, "x.yaml");
    return r.ok() ? std::string() : r.error().str();
  };
  EXPECT_NE(error_of("presets: [a, b]\n").find("presets"), std::string::npos);
  EXPECT_NE(error_of("presets: {\"a@b\": {x: 1}}\n").find("not a preset name"), std::string::npos);
  EXPECT_NE(error_of("presets: {a: {}}\n").find("preset 'a'"), std::string::npos);
  EXPECT_NE(error_of("presets: {a: {x: 1.5}}\n").find("'1.5' is not a number"), std::string::npos);
  EXPECT_NE(error_of("presets: {a: {x: [1]}}\n").find("expected a number"), std::string::npos);
  EXPECT_NE(error_of("presets: {a: {\"x-y\": 1}}\n").find("not a variable name"),
            std::string::npos);
  EXPECT_NE(error_of("presets: {a: {x: 99999999999999999999}}\n").find("not a number"),
            std::string::npos);
}

TEST(TestrunFileTest, RepositoryPresetObjectDeclaresTwoPresets) {
  auto r = load_testrun_spec_dir(VMTEST_SOURCE_DIR "/testrun", "rodata_flag");
  ASSERT_TRUE(r.ok()) << r.error().str();
  ASSERT_EQ(r->presets.size(), 2u);
  EXPECT_EQ(r->presets[0].name, "fine");
  EXPECT_EQ(r->presets[1].name, "coarse");
  auto none = load_testrun_spec_dir(VMTEST_SOURCE_DIR "/testrun", "no_such_object");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

} // namespace vmtest
