// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/baseline_file.h"

#include "capabilities/capability_matrix.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "results/byte_text.h"
#include "results/json_read.h"
#include "verifier/normalise.h"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace vmtest {
using nlohmann::json;

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The baseline keeps a hash of data_out, not the packet: it is all we compare and keeps the
// file small. Hash the bytes; text that is not hex (should not happen) is hashed as is so a
// change still shows.
std::string data_out_sha256(const std::string& hex) {
  if (hex.size() % 2 != 0) return sha256_hex(hex);
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return sha256_hex(hex);
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  return sha256_hex(bytes);
}

template <typename T> json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// Reading is strict: every field must be present with the right type (null allowed where the
// value is optional) and unknown fields are rejected, so a hand-edited typo cannot make a
// gate pass. Errors carry a JSON path; parse_baseline adds the file name.
struct ReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const json& field(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) throw ReadError("missing field '" + where + "." + key + "'");
  return *it;
}

void only_keys(const json& j, const std::set<std::string>& allowed, const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!allowed.count(it.key())) throw ReadError("unknown field '" + where + "." + it.key() + "'");
}

const json& object_at(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  if (!v.is_object()) throw ReadError("'" + where + "." + key + "' must be an object");
  return v;
}

std::string string_at(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  if (!v.is_string()) throw ReadError("'" + where + "." + key + "' must be a string");
  return v.get<std::string>();
}

// Range-checked: 4294967309 must not read as errno 13, nor 1e300 as anything.
template <typename T> T checked(const json& v, const std::string& path, bool nullable) {
  if (!v.is_number_integer())
    throw ReadError("'" + path + "' must be an integer" + (nullable ? " or null" : "") + ", not " +
                    v.dump());
  try {
    return json_read::integer<T>(v, path);
  } catch (const json::exception&) {
    throw ReadError("'" + path + "' is out of range: " + v.dump());
  }
}

template <typename T> T int_at(const json& j, const char* key, const std::string& where) {
  return checked<T>(field(j, key, where), where + "." + key, false);
}

template <typename T>
std::optional<T> opt_int_at(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  if (v.is_null()) return std::nullopt;
  return checked<T>(v, where + "." + key, true);
}

std::set<std::string> program_keys() {
  std::set<std::string> keys = {"verdict",  "errno",      "log_tail",   "log_tail_escaped",
                                "test_run", "line_costs", "key_escaped"};
  for (const auto& d : kMetrics)
    if (d.baselined) keys.insert(std::string(d.key));
  return keys;
}

json to_json(const BaselineProgram& p) {
  json j{{"verdict", p.verdict},
         {"errno", p.err},
         {"test_run", json{{"status", p.test_run.status},
                           {"retval", opt(p.test_run.retval)},
                           {"data_out_sha256", p.test_run.data_out_sha256}}}};
  put_bytes_list(j, "log_tail", p.log_tail);
  // Every baselined metric is written, null when the kernel did not report it.
  for (const auto& d : kMetrics)
    if (d.baselined) j[std::string(d.key)] = opt(p.metrics[d.id]);
  if (!p.line_costs.empty()) j["line_costs"] = p.line_costs;
  return j;
}

BaselineProgram program_from(const json& j, const std::string& where) {
  if (!j.is_object()) throw ReadError("'" + where + "' must be an object");
  static const std::set<std::string> keys = program_keys();
  only_keys(j, keys, where);
  BaselineProgram p;
  const std::string verdict = string_at(j, "verdict", where);
  auto v = parse_verdict(verdict);
  if (!v)
    throw ReadError("'" + where + ".verdict' must be \"accepted\" or \"rejected\", not \"" +
                    verdict + "\"");
  p.verdict = *v;
  p.err = int_at<int>(j, "errno", where);
  // Metrics are optional keys: a baseline recorded before a metric existed still reads.
  for (const auto& d : kMetrics) {
    if (!d.baselined || !j.contains(std::string(d.key))) continue;
    p.metrics[d.id] = opt_int_at<int64_t>(j, std::string(d.key).c_str(), where);
    if (p.metrics[d.id] && *p.metrics[d.id] < 0)
      throw ReadError("'" + where + "." + std::string(d.key) + "' must not be negative");
  }
  const json& tail = field(j, "log_tail", where);
  if (!tail.is_array()) throw ReadError("'" + where + ".log_tail' must be an array");
  for (const auto& l : tail)
    if (!l.is_string()) throw ReadError("'" + where + ".log_tail' must hold strings");
  try {
    get_bytes_list(j, "log_tail", p.log_tail);
  } catch (const json::exception& e) {
    throw ReadError("'" + where + ".log_tail': " + e.what());
  }
  const std::string tw = where + ".test_run";
  const json& tr = object_at(j, "test_run", where);
  only_keys(tr, {"status", "retval", "data_out_sha256"}, tw);
  const std::string status = string_at(tr, "status", tw);
  auto st = parse_test_run_status(status);
  if (!st) throw ReadError("'" + tw + ".status' is not a test_run status: \"" + status + "\"");
  p.test_run.status = *st;
  p.test_run.retval = opt_int_at<uint32_t>(tr, "retval", tw);
  p.test_run.data_out_sha256 = string_at(tr, "data_out_sha256", tw);
  if (j.contains("line_costs")) {
    const std::string lw = where + ".line_costs";
    const json& costs = j.at("line_costs");
    if (!costs.is_array()) throw ReadError("'" + lw + "' must be an array");
    for (const auto& c : costs) {
      if (!c.is_object()) throw ReadError("'" + lw + "' must hold objects");
      only_keys(c, {"location", "source", "insns", "location_escaped", "source_escaped"}, lw);
      LineCost lc;
      lc.source = string_at(c, "source", lw);
      if (c.contains("location")) lc.location = string_at(c, "location", lw);
      try {
        get_bytes(c, "source", lc.source);
        get_bytes(c, "location", lc.location);
      } catch (const json::exception& e) {
        throw ReadError("'" + lw + "': " + e.what());
      }
      lc.insns = int_at<int64_t>(c, "insns", lw);
      if (lc.insns < 0) throw ReadError("'" + lw + ".insns' must not be negative");
      p.line_costs.push_back(std::move(lc));
    }
  }
  return p;
}

// Objects and programs are keyed by name, and names are bytes: a key that is not UTF-8 is
// written escaped, and its entry says so (results/byte_text.h).
std::string entry_name(const json& entry, const std::string& key, const std::string& where) {
  if (!entry.is_object() || !entry.contains("key_escaped")) return key;
  const json& marker = entry.at("key_escaped");
  if (!marker.is_boolean()) throw ReadError("'" + where + "." + key + ".key_escaped' must be true");
  if (!marker.get<bool>()) return key;
  auto raw = unescape_bytes(key);
  if (!raw)
    throw ReadError("'" + where + "." + key + "' is marked escaped but has a " + raw.error().what);
  return *raw;
}
void put_entry(json& parent, const std::string& name, json entry) {
  if (is_utf8(name)) {
    parent[name] = std::move(entry);
    return;
  }
  entry["key_escaped"] = true;
  parent[escape_bytes(name)] = std::move(entry);
}

Baseline baseline_from_json(const json& j) {
  if (!j.is_object()) throw ReadError("top level must be an object");
  // The version is checked first: a future format may differ in every other field.
  const json& ver = field(j, "format_version", "");
  if (!ver.is_number_integer() || !ver.is_number_unsigned() ||
      ver.get<uint64_t>() != kBaselineFormatVersion)
    throw ReadError("unsupported format_version " + ver.dump() + " (this vmtest reads " +
                    std::to_string(kBaselineFormatVersion) + "); re-record the baseline");
  only_keys(j, {"format_version", "kernel", "compiler", "objects", "capabilities"}, "");

  Baseline b;
  const json& k = object_at(j, "kernel", "");
  only_keys(k, {"name", "release", "image", "image_sha256", "source"}, "kernel");
  b.kernel.name = string_at(k, "name", "kernel");
  b.kernel.release = string_at(k, "release", "kernel");
  b.kernel.image = string_at(k, "image", "kernel");
  b.kernel.image_sha256 = string_at(k, "image_sha256", "kernel");
  if (k.contains("source")) {
    const json& s = object_at(k, "source", "kernel");
    only_keys(s, {"kind", "description"}, "kernel.source");
    b.kernel.source.kind = string_at(s, "kind", "kernel.source");
    b.kernel.source.description = string_at(s, "description", "kernel.source");
  }

  const json& c = object_at(j, "compiler", "");
  only_keys(c, {"clang", "libbpf"}, "compiler");
  b.compiler.clang = string_at(c, "clang", "compiler");
  b.compiler.libbpf = string_at(c, "libbpf", "compiler");

  if (j.contains("capabilities")) {
    const json& caps = object_at(j, "capabilities", "");
    for (auto it = caps.begin(); it != caps.end(); ++it) {
      if (!it->is_string()) throw ReadError("'capabilities." + it.key() + "' must be a string");
      b.capabilities[it.key()] = it->get<std::string>();
    }
  }

  const json& objs = object_at(j, "objects", "");
  for (auto it = objs.begin(); it != objs.end(); ++it) {
    const std::string where = "objects." + it.key();
    if (!it->is_object()) throw ReadError("'" + where + "' must be an object");
    only_keys(*it, {"sha256", "error", "programs", "key_escaped"}, where);
    BaselineObject o;
    o.sha256 = string_at(*it, "sha256", where);
    o.error = string_at(*it, "error", where);
    const json& progs = object_at(*it, "programs", where);
    for (auto p = progs.begin(); p != progs.end(); ++p)
      o.programs[entry_name(*p, p.key(), where)] = program_from(*p, where + ".programs." + p.key());
    b.objects[entry_name(*it, it.key(), "objects")] = std::move(o);
  }
  return b;
}

} // namespace

std::map<std::string, std::string> baseline_capabilities(const nlohmann::json& probe) {
  std::map<std::string, std::string> out;
  if (probe.is_null() || !probe.is_object()) return out;
  for (const auto& [key, value] : flatten_capabilities(probe))
    if (key.first != "prog_helper") out[key.first + "/" + key.second] = value;
  return out;
}

BaselineProgram baseline_program(const ProgramResult& p) {
  BaselineProgram b;
  b.verdict = p.verdict;
  b.err = p.err;
  b.metrics = p.metrics.baselined();
  b.log_tail = normalise_log_lines(p.log_tail);
  b.test_run.status = p.test_run.status;
  b.test_run.retval = p.test_run.retval;
  if (p.test_run.status == TestRunStatus::Ok)
    b.test_run.data_out_sha256 = data_out_sha256(p.test_run.data_out_hex);
  return b;
}

Baseline baseline_from_kernel_result(const KernelResult& k, const Toolchain& tc) {
  Baseline b;
  b.kernel = {k.name, k.kernel_release, k.image, k.image_sha256, k.source};
  b.compiler = {tc.clang, tc.libbpf};
  b.capabilities = baseline_capabilities(k.capabilities);
  for (const auto& o : k.objects) {
    BaselineObject& bo = b.objects[o.name];
    bo.sha256 = o.sha256;
    bo.error = o.error;
    for (const auto& p : o.programs) {
      BaselineProgram& bp = bo.programs[p.name] = baseline_program(p);
      // Only a run that measured every program: otherwise which programs carry line costs
      // would depend on what happened to change in that run, and the file would churn.
      if (k.line_costs_all) bp.line_costs = p.line_costs;
    }
  }
  return b;
}

std::string serialise_baseline(const Baseline& b) {
  // nlohmann::json objects are std::map-backed: keys come out sorted.
  json objs = json::object();
  for (const auto& [oname, o] : b.objects) {
    json progs = json::object();
    for (const auto& [pname, p] : o.programs)
      put_entry(progs, pname, to_json(p));
    put_entry(objs, oname, json{{"sha256", o.sha256}, {"error", o.error}, {"programs", progs}});
  }
  json kernel{{"name", b.kernel.name},
              {"release", b.kernel.release},
              {"image", b.kernel.image},
              {"image_sha256", b.kernel.image_sha256}};
  if (!b.kernel.source.empty())
    kernel["source"] =
        json{{"kind", b.kernel.source.kind}, {"description", b.kernel.source.description}};
  json j{{"format_version", b.format_version},
         {"kernel", kernel},
         {"compiler", json{{"clang", b.compiler.clang}, {"libbpf", b.compiler.libbpf}}},
         {"objects", objs}};
  if (!b.capabilities.empty()) j["capabilities"] = b.capabilities;
  return dump_json(j, 2) + "\n";
}

Result<Baseline> parse_baseline(std::string_view text, std::string_view origin) {
  const std::string ctx(origin);
  auto j = json_read::parse(text);
  if (!j) return Error{"baseline is " + j.error().what, ctx};
  try {
    return baseline_from_json(*j);
  } catch (const ReadError& e) {
    return Error{std::string("bad baseline: ") + e.what(), ctx};
  } catch (const json::exception& e) {
    return Error{std::string("bad baseline: ") + e.what(), ctx};
  }
}

Result<Baseline> load_baseline(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_baseline(*text, path.string());
}

Result<void> save_baseline(const std::filesystem::path& path, const Baseline& b) {
  return write_file_atomic(path, serialise_baseline(b));
}

std::filesystem::path baseline_path(const std::filesystem::path& dir, std::string_view kernel) {
  return dir / (std::string(kernel) + ".json");
}

} // namespace vmtest
