// SPDX-License-Identifier: BSD-2-Clause
#include "results/manifest.h"
#include "results/results.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(Results, ProgramRoundTripKeepsOptionalsDistinctFromZero) {
  ProgramResult p;
  p.name = "xdp_bpf_loop";
  p.verdict = Verdict::Accepted;
  p.metrics[Metric::InsnsProcessed] = 0; // reported zero must survive as zero
  p.log_tail = {"processed 0 insns"};
  p.test_run.status = TestRunStatus::Ok;
  p.test_run.retval = 2;
  nlohmann::json j = p;
  EXPECT_TRUE(j.contains("insns_processed"));
  EXPECT_FALSE(j.contains("total_states")); // unknown is omitted, not null or 0
  auto back = j.get<ProgramResult>();
  EXPECT_EQ(back.metrics[Metric::InsnsProcessed], 0);
  EXPECT_FALSE(back.metrics[Metric::TotalStates].has_value());
  EXPECT_EQ(back.test_run.retval, 2u);
  EXPECT_EQ(back.log_tail, p.log_tail);
}

TEST(Results, RunResultsRoundTripAndFind) {
  RunResults r;
  KernelResult k;
  k.name = "6.1";
  k.status = KernelStatus::Panic;
  k.console_tail = {"Kernel panic - not syncing"};
  r.kernels.push_back(k);
  auto back = nlohmann::json(r).get<RunResults>();
  ASSERT_NE(back.find("6.1"), nullptr);
  EXPECT_EQ(back.find("6.1")->status, KernelStatus::Panic);
  EXPECT_EQ(back.find("6.1")->console_tail.front(), "Kernel panic - not syncing");
  EXPECT_EQ(back.find("5.10"), nullptr);
  EXPECT_EQ(back.schema_version, kResultsSchemaVersion);
}

} // namespace vmtest

namespace vmtest {

TEST(Results, CapabilitiesRoundTripAndAreOmittedWhenAbsent) {
  KernelResult k;
  k.name = "6.1";
  nlohmann::json plain = k;
  EXPECT_FALSE(plain.contains("capabilities"));
  EXPECT_FALSE(plain.contains("capabilities_error"));

  k.capabilities = {{"program_types", {{"have_xdp_prog_type", true}}}};
  k.capabilities_seconds = 0.9;
  auto back = nlohmann::json(k).get<KernelResult>();
  EXPECT_EQ(back.capabilities, k.capabilities);
  EXPECT_DOUBLE_EQ(back.capabilities_seconds, 0.9);

  AgentReport r;
  r.capabilities_error = "bpftool timed out";
  auto rb = nlohmann::json(r).get<AgentReport>();
  EXPECT_EQ(rb.capabilities_error, "bpftool timed out");
  EXPECT_TRUE(rb.capabilities.is_null());
}

TEST(Results, ManifestCarriesTheBpftoolPathOnlyWhenSet) {
  Manifest m;
  EXPECT_FALSE(nlohmann::json(m).contains("bpftool"));
  m.bpftool = "/usr/sbin/bpftool";
  EXPECT_EQ(nlohmann::json(m).get<Manifest>().bpftool, "/usr/sbin/bpftool");
}

} // namespace vmtest

namespace vmtest {

// Hostile or corrupt files: every integer is range-checked and every word is known.
TEST(Results, OutOfRangeAndUnknownValuesAreErrorsNamingTheField) {
  auto bad = [](const std::string& patch) {
    nlohmann::json j = nlohmann::json::parse(R"({"schema_version": 1, "kernels": [{"name": "6.1",
        "status": "ok", "objects": [{"name": "a.bpf.o", "programs": [{"name": "p",
        "verdict": "rejected", "errno": 13, "test_run": {"status": "skipped"}}]}]}]})");
    j.merge_patch(nlohmann::json::parse(patch));
    try {
      j.get<RunResults>();
      return std::string("no error");
    } catch (const nlohmann::json::exception& e) {
      return std::string(e.what());
    }
  };
  EXPECT_NE(bad(R"({"schema_version": 99})").find("schema_version"), std::string::npos);
  EXPECT_NE(bad(R"({"schema_version": 4294967297})").find("schema_version"), std::string::npos);
  auto with_program = [&](const std::string& field) {
    return bad(R"({"kernels": [{"name": "6.1", "status": "ok", "objects": [{"name": "a.bpf.o",
        "programs": [{"name": "p", "verdict": "rejected", )" +
               field + R"(}]}]}]})");
  };
  EXPECT_NE(with_program(R"("errno": 4294967309)").find("'errno' is out of range"),
            std::string::npos);
  EXPECT_NE(with_program(R"("errno": 1e300)").find("'errno' must be an integer"),
            std::string::npos);
  EXPECT_NE(with_program(R"("verdict": "maybe", "errno": 0)").find("maybe"), std::string::npos);
  EXPECT_EQ(with_program(R"("errno": 13)"), "no error");
  EXPECT_NE(bad(R"({"kernels": [{"name": "6.1", "status": "exploded"}]})").find("exploded"),
            std::string::npos);
}

// The entry points the CLI and the controller use: errors name the file, never throw, and
// deep nesting (which once overflowed the stack copying `capabilities`) is refused.
TEST(Results, ParseResultsNamesTheFileAndRefusesDeepNesting) {
  auto ok = parse_results(R"({"schema_version": 1, "kernels": [{"name": "6.1"}]})", "r.json");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  EXPECT_EQ(ok->kernels.at(0).name, "6.1");

  auto v99 = parse_results(R"({"schema_version": 99})", "out/results.json");
  ASSERT_FALSE(v99.ok());
  EXPECT_NE(v99.error().str().find("out/results.json: not a vmtest results file"),
            std::string::npos);
  EXPECT_NE(v99.error().str().find("'schema_version' is 99"), std::string::npos)
      << v99.error().str();

  auto cut = parse_results(R"({"schema_version": 1, "kern)", "cut.json");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().str().find("truncated or corrupt"), std::string::npos);

  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto nested = parse_results(
      R"({"schema_version": 1, "kernels": [{"name": "6.1", "capabilities": )" + deep + "}]}",
      "deep.json");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().str().find("deep.json: not a vmtest results file: nested deeper"),
            std::string::npos)
      << nested.error().str();
  // At the limit it still reads: probe output nests a few levels, never a hundred.
  const std::string limit = std::string(100, '[') + std::string(100, ']');
  EXPECT_TRUE(
      parse_results(R"({"schema_version": 1, "kernels": [{"name": "6.1", "capabilities": )" +
                        limit + "}]}",
                    "r.json")
          .ok());
}

TEST(Results, ParseAgentReportReturnsErrorsInsteadOfThrowing) {
  auto ok = parse_agent_report(R"({"kernel_release": "6.1.0", "objects": []})");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  EXPECT_EQ(ok->kernel_release, "6.1.0");
  auto bad = parse_agent_report(R"({"objects": [{"name": "a.bpf.o", "programs": [{"name": "p",
      "verdict": "rejected", "errno": 4294967309}]}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("the agent's report: not valid"), std::string::npos);
  EXPECT_NE(bad.error().str().find("'errno' is out of range: 4294967309"), std::string::npos)
      << bad.error().str();
  EXPECT_FALSE(parse_agent_report(std::string(20000, '{')).ok());
}

} // namespace vmtest

namespace vmtest {

TEST(Results, FullLogAndLineCostsRoundTripAndAreOmittedWhenAbsent) {
  ProgramResult plain;
  nlohmann::json j = plain;
  EXPECT_FALSE(j.contains("full_log"));
  EXPECT_FALSE(j.contains("line_costs"));

  ProgramResult p;
  p.full_log.reason = FullLogReason::StatsMoved;
  p.full_log.level = 1;
  p.full_log.bytes = 123456;
  p.full_log.capped = true;
  p.full_log.file = "logs/6.1/x.bpf.o/p.log";
  p.line_costs = {{"x.bpf.c:42", "for (;;)", 3100}, {"", "return 0;", 2}};
  j = p;
  EXPECT_EQ(j["full_log"]["reason"], "stats_moved");
  EXPECT_FALSE(j["full_log"].contains("text")); // only the guest's report carries the text
  EXPECT_FALSE(j["line_costs"][1].contains("location"));
  auto back = j.get<ProgramResult>();
  EXPECT_EQ(back.full_log.reason, FullLogReason::StatsMoved);
  EXPECT_EQ(back.full_log.bytes, 123456u);
  EXPECT_TRUE(back.full_log.capped);
  EXPECT_EQ(back.full_log.file, p.full_log.file);
  EXPECT_EQ(back.line_costs, p.line_costs);

  j["full_log"]["reason"] = "whim";
  EXPECT_THROW(j.get<ProgramResult>(), std::exception);
}

// A long log crosses the results port deflated on its own, bytes exactly as the kernel wrote
// them, without passing through JSON escaping; a short one stays readable text.
TEST(Results, ALongFullLogTravelsDeflatedAndComesBackByteForByte) {
  ProgramResult p;
  p.full_log.reason = FullLogReason::Rejected;
  p.full_log.level = 1;
  std::string text;
  for (int i = 0; text.size() < 64 * 1024; ++i)
    text += std::to_string(i) + ": (07) r3 += 64 ; R3_w=pkt(off=64,r=0,imm=0) \"q\"\t\n";
  text += std::string("\xff\xfe not UTF-8, and a NUL: ") + '\0' + "end\n";
  p.full_log.text = text;
  nlohmann::json j = p;
  ASSERT_TRUE(j["full_log"].contains("text_zlib"));
  EXPECT_FALSE(j["full_log"].contains("text"));
  EXPECT_LT(j["full_log"]["text_zlib"].get<std::string>().size(), text.size());
  EXPECT_EQ(j.get<ProgramResult>().full_log.text, text);

  p.full_log.text = "0: (b7) r0 = 0\n";
  j = p;
  EXPECT_EQ(j["full_log"]["text"], "0: (b7) r0 = 0\n");
  EXPECT_EQ(j.get<ProgramResult>().full_log.text, p.full_log.text);
}

TEST(Results, ADamagedDeflatedLogIsAnErrorThatSaysWhere) {
  ProgramResult p;
  p.full_log.reason = FullLogReason::Rejected;
  p.full_log.text = std::string(16 * 1024, 'x');
  nlohmann::json j = p;
  std::string z = j["full_log"]["text_zlib"];
  j["full_log"]["text_zlib"] = z.substr(0, z.size() - 8); // cut short
  try {
    j.get<ProgramResult>();
    ADD_FAILURE() << "a truncated stream was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("text_zlib"), std::string::npos) << e.what();
  }
  j["full_log"]["text_zlib"] = "zz";
  EXPECT_THROW(j.get<ProgramResult>(), std::exception);
}

TEST(Results, ManifestCarriesTheFullLogPlan) {
  Manifest m;
  m.full_logs.level = 2;
  m.full_logs.cap_bytes = 1 << 20;
  m.full_logs.line_costs_all = true;
  m.full_logs.change[ThresholdGroup::Insns].abs = 7;
  m.full_logs.change[ThresholdGroup::States].pct = 2.5;
  m.full_logs.headroom[Fraction::Insns] = {20, 30};
  m.full_logs.headroom[Fraction::Maps] = {60, 70};
  ProgramExpectation loop{Verdict::Rejected, {}};
  loop.metrics[Metric::InsnsProcessed] = 19;
  loop.metrics[Metric::PeakStates] = 3;
  m.full_logs.baselines["6.1"]["loop.bpf.o/xdp_loop"] = loop;
  auto back = nlohmann::json(m).get<Manifest>();
  EXPECT_EQ(back.full_logs.level, 2);
  EXPECT_EQ(back.full_logs.cap_bytes, 1u << 20);
  EXPECT_TRUE(back.full_logs.line_costs_all);
  EXPECT_FALSE(back.full_logs.all);
  EXPECT_EQ(back.full_logs.change, m.full_logs.change);
  EXPECT_NE(back.full_logs.change, ChangeThresholds{});
  EXPECT_EQ(back.full_logs.baselines, m.full_logs.baselines);
  // The policy's headroom levels reach the guest, which picks near-limit programs with them.
  EXPECT_EQ(back.full_logs.headroom, m.full_logs.headroom);
  EXPECT_NE(back.full_logs.headroom, HeadroomThresholds{});
  // A manifest from before full logs reads with the defaults.
  auto old = nlohmann::json::parse(R"({"objects": []})").get<Manifest>();
  EXPECT_EQ(old.full_logs.level, 1);
  EXPECT_TRUE(old.full_logs.baselines.empty());
}

} // namespace vmtest

namespace vmtest {

// Issue 24: a corpus file named caf\xe9.bpf.o aborted vmtest (json type_error.316) before any
// guest booted, and no results.json was written. Every byte field of the schema is stored
// escaped with its marker, so the JSON is always text and reads back to the same bytes.
TEST(Results, NamesSectionsAndLogsThatAreNotUtf8AreStoredLosslessly) {
  ProgramResult p;
  p.name = "caf\xe9_prog";
  p.section = "kprobe/caf\xe9";
  p.error = "load failed: caf\xe9";
  p.log_tail = {"; x = 1; /* caf\xe9 */ @ a.bpf.c:3", "plain"};
  p.full_log.reason = FullLogReason::Rejected;
  p.full_log.file = "logs/6.1/caf_xe9.bpf.o-0123abcd/p.log";
  p.line_costs.push_back({"a\xe9.bpf.c:3", "x = 1; /* caf\xe9 */", 7});
  ObjectResult o;
  o.name = "sub\xff/caf\xe9.bpf.o";
  o.programs.push_back(p);
  KernelResult k;
  k.name = "6.1";
  k.status = KernelStatus::Timeout;
  k.error = "timed out while running " + o.name;
  k.running_object = o.name;
  k.console_tail = {"\xe9\x1b[2J"};
  k.objects.push_back(o);
  RunResults r;
  r.corpus = CorpusInfo{};
  r.corpus->roots = {"/tmp/corp\xe9"};
  r.kernels.push_back(k);

  std::string text;
  ASSERT_NO_THROW(text = nlohmann::json(r).dump(2));
  EXPECT_NE(text.find("\"name_escaped\": true"), std::string::npos);
  EXPECT_NE(text.find("caf\\\\xe9.bpf.o"), std::string::npos) << "the escaped, readable form";
  auto back = parse_results(text, "results.json");
  ASSERT_TRUE(back.ok()) << back.error().str();
  const KernelResult& bk = back->kernels.at(0);
  EXPECT_EQ(bk.error, k.error);
  EXPECT_EQ(bk.running_object, k.running_object);
  EXPECT_EQ(bk.console_tail, k.console_tail);
  EXPECT_EQ(back->corpus->roots, r.corpus->roots);
  const ObjectResult& bo = bk.objects.at(0);
  EXPECT_EQ(bo.name, o.name);
  const ProgramResult& bp = bo.programs.at(0);
  EXPECT_EQ(bp.name, p.name);
  EXPECT_EQ(bp.section, p.section);
  EXPECT_EQ(bp.error, p.error);
  EXPECT_EQ(bp.log_tail, p.log_tail);
  EXPECT_EQ(bp.full_log.file, p.full_log.file);
  ASSERT_EQ(bp.line_costs.size(), 1u);
  EXPECT_EQ(bp.line_costs[0].location, p.line_costs[0].location);
  EXPECT_EQ(bp.line_costs[0].source, p.line_costs[0].source);
}

// The manifest carries object names and paths into the guest; it aborted the run the same way.
TEST(Results, ManifestCarriesBytesThatAreNotUtf8) {
  Manifest m;
  ManifestObject o;
  o.name = "caf\xe9.bpf.o";
  o.path = "/vmtest/corpus/caf\xe9.bpf.o";
  m.objects.push_back(o);
  m.full_logs.baselines["6.1"]["caf\xe9.bpf.o/prog"] = ProgramExpectation{};
  std::string text;
  ASSERT_NO_THROW(text = nlohmann::json(m).dump());
  auto back = nlohmann::json::parse(text).get<Manifest>();
  ASSERT_EQ(back.objects.size(), 1u);
  EXPECT_EQ(back.objects[0].name, o.name);
  EXPECT_EQ(back.objects[0].path, o.path);
  EXPECT_TRUE(back.full_logs.baselines["6.1"].count("caf\xe9.bpf.o/prog"));
}

} // namespace vmtest
