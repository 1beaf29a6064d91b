// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The guest streams its report to a dedicated serial port, one record per line:
//
//   VMTEST-RECORD <kind> <length> <json>\n
//
// Why lines: the JSON is compact (nlohmann's dump), which escapes every control character,
// so no byte of guest data (a verifier log line, an object name) can ever start a line. A
// record is only recognised at the start of a line, so data that happens to contain the
// marker text stays inside its string and cannot spoof or hide a record. The length catches a
// record cut short by a kill. Why a stream: a record is written as soon as each object is
// done, so a timeout, a panic or a killed qemu keeps every verdict already reached, and the
// `begin` record names the object that was running when the guest stopped.
//
// A body longer than kDeflateAbove bytes travels deflated: the kind gets the suffix "+zlib" and
// the body is the hex of its zlib stream (results/deflate.h), still one line, its length that
// of the hex. The port moves about a megabyte a second under TCG, and a rejected program's
// full log can be megabytes of lines that deflate twentyfold.
//
// Kinds (unknown kinds are skipped, so later slices can add records, e.g. full logs):
//   start        {kernel_release, libbpf_version, features, line_costs_all, objects: N}
//   begin        {index, name}            the agent starts on object `index` (0-based)
//   object       ObjectResult             that object's verdicts
//   capabilities {capabilities, capabilities_error, capabilities_seconds}
//   fatal        {fatal}                  the agent could not run at all
//   end          {agent_seconds}          the report is complete
#include "core/result.h"
#include "results/results.h"

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

inline constexpr std::string_view kRecordMarker = "VMTEST-RECORD ";
inline constexpr std::string_view kDeflatedSuffix = "+zlib";
inline constexpr size_t kDeflateAbove = 4096;
// A deflated record may not inflate past this (the largest full log is 256 MiB).
inline constexpr size_t kMaxInflatedRecord = size_t(1) << 30;

namespace record_kind {
inline constexpr std::string_view start = "start";
inline constexpr std::string_view begin = "begin";
inline constexpr std::string_view object = "object";
inline constexpr std::string_view capabilities = "capabilities";
inline constexpr std::string_view fatal = "fatal";
inline constexpr std::string_view end = "end";
} // namespace record_kind

// One record line. `kind` must be a single word; the body is dumped compactly. Names, sections
// and log text that are not UTF-8 travel escaped (results/byte_text.h), so the host gets the
// kernel's bytes back exactly; anything else is replaced, never thrown on.
std::string encode_record(std::string_view kind, const nlohmann::json& body);

// The records an agent emits, built from its report pieces (agent.cpp streams them).
std::string start_record(const AgentReport& header, size_t objects);
std::string begin_record(size_t index, std::string_view name);
std::string object_record(const ObjectResult& object);
std::string capabilities_record(const AgentReport& report);
std::string fatal_record(std::string_view why);
std::string end_record(double agent_seconds);

// A whole report as the stream a finished agent would have written (host mode, tests).
std::string encode_report(const AgentReport& report);

// What the host read back from the results port.
struct GuestStream {
  AgentReport report;          // everything the records carried, objects in arrival order
  bool finished = false;       // the end (or fatal) record arrived: nothing is missing
  size_t objects_expected = 0; // from the start record
  std::string running;         // object begun but not reported when the stream stopped
  // Records that could not be read: a line cut short by a kill, a bad length, bad JSON.
  std::vector<std::string> damaged;
};

// THE parse entry point for raw results-port bytes -> the agent's report. Never throws.
// An error means no record at all arrived; anything else is a GuestStream to judge.
Result<GuestStream> parse_guest_stream(std::string_view raw);

} // namespace vmtest
