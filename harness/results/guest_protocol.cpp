// SPDX-License-Identifier: BSD-2-Clause
#include "results/guest_protocol.h"

#include "results/byte_text.h"
#include "results/deflate.h"
#include "results/hex.h"
#include "results/json_read.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace vmtest {
using json = nlohmann::json;

std::string encode_record(std::string_view kind, const json& body) {
  std::string text = dump_json(body);
  std::string packed_kind;
  if (text.size() > kDeflateAbove) {
    const std::string deflated = deflate_text(text);
    if (!deflated.empty() && 2 * deflated.size() < text.size()) {
      text = to_hex({reinterpret_cast<const uint8_t*>(deflated.data()), deflated.size()});
      packed_kind = std::string(kind) + std::string(kDeflatedSuffix);
      kind = packed_kind;
    }
  }
  std::string out;
  out.reserve(text.size() + kind.size() + 32);
  out.append(kRecordMarker).append(kind).append(" ").append(std::to_string(text.size()));
  out.append(" ").append(text).append("\n");
  return out;
}

std::string start_record(const AgentReport& header, size_t objects) {
  json j{{"machine", header.machine},
         {"libbpf_version", header.libbpf_version},
         {"features", header.features},
         {"line_costs_all", header.line_costs_all},
         {"objects", objects}};
  put_bytes(j, "kernel_release", header.kernel_release);
  return encode_record(record_kind::start, j);
}

std::string begin_record(size_t index, std::string_view name) {
  json j{{"index", index}};
  put_bytes(j, "name", name);
  return encode_record(record_kind::begin, j);
}

std::string object_record(const ObjectResult& object) {
  return encode_record(record_kind::object, json(object));
}

std::string capabilities_record(const AgentReport& report) {
  json j = json::object();
  if (!report.capabilities.is_null()) j["capabilities"] = report.capabilities;
  if (!report.capabilities_error.empty())
    put_bytes(j, "capabilities_error", report.capabilities_error);
  j["capabilities_seconds"] = report.capabilities_seconds;
  return encode_record(record_kind::capabilities, j);
}

std::string fatal_record(std::string_view why) {
  json j = json::object();
  put_bytes(j, "fatal", why);
  return encode_record(record_kind::fatal, j);
}

std::string end_record(double agent_seconds) {
  return encode_record(record_kind::end, json{{"agent_seconds", agent_seconds}});
}

std::string encode_report(const AgentReport& report) {
  if (!report.fatal.empty()) return fatal_record(report.fatal);
  std::string out = start_record(report, report.objects.size());
  for (size_t i = 0; i < report.objects.size(); ++i)
    out += begin_record(i, report.objects[i].name) + object_record(report.objects[i]);
  if (!report.capabilities.is_null() || !report.capabilities_error.empty())
    out += capabilities_record(report);
  return out + end_record(report.agent_seconds);
}

namespace {

// A field every record of its kind carries: missing is as wrong as mistyped.
template <typename T> T required(const json& body, const char* key) {
  if (!body.contains(key)) json_read::fail(body, key, "is missing");
  T out{};
  if constexpr (std::is_same_v<T, std::string>)
    get_bytes(body, key, out); // names and messages are bytes (results/byte_text.h)
  else
    json_read::get(body, key, out);
  return out;
}

// Applies one record's body to the stream; throws json errors on a malformed body. Reads are
// checked (results/json_read.h): a hostile count is an error, never a wrapped number.
void apply(std::string_view kind, const json& body, GuestStream& s) {
  AgentReport& r = s.report;
  if (kind == record_kind::start) {
    r.kernel_release = required<std::string>(body, "kernel_release");
    json_read::get(body, "machine", r.machine); // absent from older agents
    r.libbpf_version = required<std::string>(body, "libbpf_version");
    r.features = required<AgentFeatures>(body, "features");
    s.objects_expected = required<size_t>(body, "objects");
    json_read::get(body, "line_costs_all", r.line_costs_all); // absent from older agents
  } else if (kind == record_kind::begin) {
    s.running = required<std::string>(body, "name");
  } else if (kind == record_kind::object) {
    r.objects.push_back(body.get<ObjectResult>());
    if (r.objects.back().name == s.running) s.running.clear();
  } else if (kind == record_kind::capabilities) {
    if (auto it = body.find("capabilities"); it != body.end()) r.capabilities = *it;
    get_bytes(body, "capabilities_error", r.capabilities_error);
    json_read::get(body, "capabilities_seconds", r.capabilities_seconds);
  } else if (kind == record_kind::fatal) {
    r.fatal = required<std::string>(body, "fatal");
    s.finished = true;
  } else if (kind == record_kind::end) {
    r.agent_seconds = required<double>(body, "agent_seconds");
    s.finished = true;
  }
  // Other kinds belong to a newer agent; skipping them keeps the rest readable.
}

// Parses one line that starts with the marker; an error says what is wrong with it.
Result<void> read_record(std::string_view line, bool cut, GuestStream& s) {
  std::string_view rest = line.substr(kRecordMarker.size());
  const size_t sp1 = rest.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return Error{"record has no kind", ""};
  std::string_view kind = rest.substr(0, sp1);
  rest.remove_prefix(sp1 + 1);
  const size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos)
    return Error{"record '" + std::string(kind) + "' has no length", ""};
  size_t len = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + sp2, len);
  if (ec != std::errc() || ptr != rest.data() + sp2 || sp2 == 0)
    return Error{"record '" + std::string(kind) + "' has no valid length", ""};
  std::string_view text = rest.substr(sp2 + 1);
  if (text.size() != len || cut)
    return Error{"record '" + std::string(kind) + "' is cut short: " + std::to_string(text.size()) +
                     " of " + std::to_string(len) + " bytes",
                 ""};
  std::string inflated;
  if (kind.size() > kDeflatedSuffix.size() && kind.ends_with(kDeflatedSuffix)) {
    kind.remove_suffix(kDeflatedSuffix.size());
    auto bytes = parse_hex(text);
    if (!bytes)
      return Error{"record '" + std::string(kind) + "' is unreadable: " + bytes.error().what, ""};
    auto out = inflate_text({reinterpret_cast<const char*>(bytes->data()), bytes->size()},
                            kMaxInflatedRecord);
    if (!out)
      return Error{"record '" + std::string(kind) + "' is unreadable: " + out.error().what, ""};
    inflated = std::move(*out);
    text = inflated;
  }
  // Depth-checked: a record nested 200 000 levels deep would overflow the stack later.
  auto parsed = json_read::parse(text);
  if (!parsed)
    return Error{"record '" + std::string(kind) + "' is unreadable: " + parsed.error().what, ""};
  try {
    const json& body = *parsed;
    if (!body.is_object())
      return Error{"record '" + std::string(kind) + "' is not a JSON object", ""};
    apply(kind, body, s);
  } catch (const std::exception& e) {
    return Error{"record '" + std::string(kind) + "' is unreadable: " + e.what(), ""};
  }
  return {};
}

} // namespace

Result<GuestStream> parse_guest_stream(std::string_view raw) {
  GuestStream s;
  bool any = false;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t nl = raw.find('\n', pos);
    const bool cut = nl == std::string_view::npos; // the guest stopped mid-line
    if (cut) nl = raw.size();
    std::string_view line = raw.substr(pos, nl - pos);
    pos = nl + 1;
    // Only a line that starts with the marker is a record; serial noise is not.
    if (line.substr(0, kRecordMarker.size()) != kRecordMarker) continue;
    any = true;
    if (auto r = read_record(line, cut, s); !r) s.damaged.push_back(r.error().what);
  }
  if (!any) return Error{"the guest wrote no results (no record on the results port)", ""};
  return s;
}

} // namespace vmtest
