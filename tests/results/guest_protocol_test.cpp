// SPDX-License-Identifier: BSD-2-Clause
#include "results/guest_protocol.h"
#include "support/result_builders.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;
namespace {

AgentReport report(std::vector<ObjectResult> objects) {
  AgentReport r;
  r.kernel_release = "6.1.0-test";
  r.libbpf_version = "1.4.6";
  r.features.btf = true;
  r.objects = std::move(objects);
  r.agent_seconds = 1.5;
  return r;
}

TEST(GuestProtocol, AWholeReportRoundTripsThroughSerialNoise) {
  AgentReport r =
      report({object("a.bpf.o", "", {program("prog")}), object("b.bpf.o", "", {program("prog")})});
  r.capabilities = nlohmann::json{{"probed", true}};
  std::string raw = "garbage from firmware\r\n" + encode_report(r) + "trailing";
  auto got = parse_guest_stream(raw);
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_TRUE(got->finished);
  EXPECT_TRUE(got->damaged.empty());
  EXPECT_TRUE(got->running.empty());
  EXPECT_EQ(got->objects_expected, 2u);
  EXPECT_EQ(got->report.kernel_release, "6.1.0-test");
  EXPECT_TRUE(got->report.features.btf);
  EXPECT_EQ(got->report.agent_seconds, 1.5);
  EXPECT_EQ(got->report.capabilities, r.capabilities);
  EXPECT_EQ(nlohmann::json(got->report.objects), nlohmann::json(r.objects));
}

// A --line-costs run's baselines keep line costs only when the report says every program
// recorded them; in a VM that fact travels in the start record.
TEST(GuestProtocol, TheStartRecordCarriesWhetherEveryProgramRecordedLineCosts) {
  AgentReport r = report({object("a.bpf.o", "", {program("prog")})});
  for (bool all : {false, true}) {
    r.line_costs_all = all;
    auto got = parse_guest_stream(encode_report(r));
    ASSERT_TRUE(got.ok()) << got.error().str();
    EXPECT_EQ(got->report.line_costs_all, all);
  }
}

// Which build of the agent ran (its uname -m) reaches results.json through the start record;
// an older agent's stream without it still parses.
TEST(GuestProtocol, TheStartRecordCarriesTheMachineTheAgentRanOn) {
  AgentReport r = report({object("a.bpf.o", "", {program("prog")})});
  r.machine = "aarch64";
  auto got = parse_guest_stream(encode_report(r));
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_EQ(got->report.machine, "aarch64");
  r.machine.clear();
  auto old = parse_guest_stream(encode_report(r));
  ASSERT_TRUE(old.ok()) << old.error().str();
  EXPECT_TRUE(old->report.machine.empty());
  EXPECT_TRUE(old->finished);
}

// The fault of issue 13: a rejected program whose source line (which the log tail carries)
// holds the old frame marker made the whole kernel's results unreadable. No guest data can
// start a line, so neither old markers nor a forged record inside a string count.
TEST(GuestProtocol, MarkersInsideGuestDataCannotSpoofOrHideRecords) {
  std::string forged;
  forged.append("\n").append(kRecordMarker).append("end 20 {\"agent_seconds\":9}\n");
  std::vector<std::string> tail = {"; /* VMTEST-RESULTS-BEGIN 7 */", "VMTEST-RESULTS-END", forged,
                                   "invalid utf-8: \xff\xfe"};
  AgentReport r = report({object("a.bpf.o", "", {program("prog")}),
                          object("spoof.bpf.o", "", {program("prog", Verdict::Rejected, tail)}),
                          object("z.bpf.o", "", {program("prog")})});
  const std::string raw = encode_report(r);
  // One line per record: start, (begin, object) x 3, end.
  EXPECT_EQ(std::count(raw.begin(), raw.end(), '\n'), 8);
  auto got = parse_guest_stream(raw);
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_TRUE(got->finished);
  EXPECT_TRUE(got->damaged.empty()) << got->damaged.front();
  ASSERT_EQ(got->report.objects.size(), 3u);
  EXPECT_EQ(got->report.agent_seconds, 1.5);
  const auto& kept = got->report.objects[1].programs.at(0).log_tail;
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[0], tail[0]);
  EXPECT_EQ(kept[2], forged);
  EXPECT_EQ(got->report.objects[2].name, "z.bpf.o");
}

TEST(GuestProtocol, AStreamCutMidObjectKeepsEveryObjectBeforeAndNamesTheRunningOne) {
  AgentReport r = report({});
  std::string raw = start_record(r, 3) + begin_record(0, "a.bpf.o") +
                    object_record(object("a.bpf.o", "", {program("prog")})) +
                    begin_record(1, "slow.bpf.o");
  auto got = parse_guest_stream(raw);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->finished);
  EXPECT_EQ(got->objects_expected, 3u);
  ASSERT_EQ(got->report.objects.size(), 1u);
  EXPECT_EQ(got->report.objects[0].name, "a.bpf.o");
  EXPECT_EQ(got->running, "slow.bpf.o");
}

TEST(GuestProtocol, ARecordCutShortIsDamagedAndTheOthersAreKept) {
  AgentReport r = report({});
  std::string obj = object_record(object("b.bpf.o", "", {program("prog")}));
  std::string raw = start_record(r, 2) + begin_record(0, "a.bpf.o") +
                    object_record(object("a.bpf.o", "", {program("prog")})) +
                    begin_record(1, "b.bpf.o") + obj.substr(0, obj.size() / 2);
  auto got = parse_guest_stream(raw);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->finished);
  ASSERT_EQ(got->report.objects.size(), 1u);
  EXPECT_EQ(got->running, "b.bpf.o");
  ASSERT_EQ(got->damaged.size(), 1u);
  EXPECT_NE(got->damaged[0].find("cut short"), std::string::npos) << got->damaged[0];
}

TEST(GuestProtocol, BadLengthsAndBadJsonAreDamagedNeverThrown) {
  std::string m(kRecordMarker);
  for (const std::string line :
       {m + "end 3 {}xx", m + "end abc {}", m + "end", m + " 2 {}", m + "end 2 {", m + "end 2 []",
        m + "start 2 {}", m + "object 5 [1,2]", m + "end 18446744073709551616 {}",
        m + "start 73 "
            "{\"kernel_release\":\"x\",\"libbpf_version\":\"1\",\"features\":{},\"objects\":1e300}",
        m + "start 70 "
            "{\"kernel_release\":\"x\",\"libbpf_version\":\"1\",\"features\":{},\"objects\":-1}",
        m + "end 24 {\"agent_seconds\":\"soon\"}"}) {
    auto got = parse_guest_stream(line + "\n");
    ASSERT_TRUE(got.ok()) << line;
    EXPECT_EQ(got->damaged.size(), 1u) << line;
    EXPECT_FALSE(got->finished) << line;
  }
}

TEST(GuestProtocol, UnknownKindsAreSkippedSoNewerAgentsStayReadable) {
  AgentReport r = report({object("a.bpf.o", "", {program("prog")})});
  std::string raw = encode_report(r);
  raw.insert(0, encode_record("verifier_log", nlohmann::json{{"object", "a.bpf.o"}}));
  auto got = parse_guest_stream(raw);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->finished);
  EXPECT_TRUE(got->damaged.empty());
  EXPECT_EQ(got->report.objects.size(), 1u);
}

TEST(GuestProtocol, AFatalRecordEndsTheStream) {
  auto got = parse_guest_stream(fatal_record("cannot open manifest"));
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->finished);
  EXPECT_EQ(got->report.fatal, "cannot open manifest");
}

TEST(GuestProtocol, NoRecordSaysNoResults) {
  for (std::string raw : {"", "just a console line\n", "VMTEST-RESULTS-BEGIN 2\n{}\n"}) {
    auto got = parse_guest_stream(raw);
    ASSERT_FALSE(got.ok()) << raw;
    EXPECT_NE(got.error().what.find("no results"), std::string::npos);
  }
}

} // namespace
} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;
namespace {

// Issue 24: a Latin-1 comment reaches the verifier log through BTF line info, and an object or
// program may be named with any bytes. They crossed the results port as U+FFFD, so the "byte
// for byte" full log was not; now they come back exactly.
TEST(GuestProtocol, BytesThatAreNotUtf8ComeBackExactly) {
  const std::string latin1 = "; return *(volatile __u8 *)data; /* caf\xe9 */ @ x.bpf.c:14";
  ObjectResult o =
      object("caf\xe9.bpf.o", "",
             {program("prog", Verdict::Rejected, {latin1, "invalid access to packet"})});
  o.programs[0].name = "caf\xe9_prog";
  o.programs[0].section = "kprobe/caf\xe9";
  o.programs[0].full_log.reason = FullLogReason::Rejected;
  o.programs[0].full_log.text = "func#0 @0\n" + latin1 + "\n\xff\xfe raw\n";
  AgentReport r = report({o});
  r.kernel_release = "6.1.0-\xe9";
  auto got = parse_guest_stream(encode_report(r));
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_TRUE(got->damaged.empty()) << got->damaged.front();
  EXPECT_TRUE(got->finished);
  EXPECT_TRUE(got->running.empty()) << "the begin record's name matches the object's";
  ASSERT_EQ(got->report.objects.size(), 1u);
  const ObjectResult& back = got->report.objects[0];
  EXPECT_EQ(back.name, o.name);
  ASSERT_EQ(back.programs.size(), 1u);
  EXPECT_EQ(back.programs[0].name, o.programs[0].name);
  EXPECT_EQ(back.programs[0].section, o.programs[0].section);
  EXPECT_EQ(back.programs[0].log_tail, o.programs[0].log_tail);
  EXPECT_EQ(back.programs[0].full_log.text, o.programs[0].full_log.text);
  EXPECT_EQ(got->report.kernel_release, r.kernel_release);
  // A stream that stops inside such an object still names it exactly.
  const std::string cut = start_record(r, 1) + begin_record(0, o.name);
  auto partial = parse_guest_stream(cut);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->running, o.name);
}

} // namespace
} // namespace vmtest
