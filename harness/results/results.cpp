// SPDX-License-Identifier: BSD-2-Clause
#include "results/results.h"

#include "results/byte_text.h"
#include "results/deflate.h"
#include "results/guest_protocol.h"
#include "results/hex.h"
#include "results/json_read.h"

namespace vmtest {
using json_read::get;
using nlohmann::json;

namespace {
// Optional fields are omitted when unknown rather than written as null, so a kernel that
// cannot report a figure reads differently from one that reported zero.
template <typename T> void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
// The capability probe's fields, shared by AgentReport and KernelResult; all omitted when the
// kernel was not probed, so older results read the same.
void put_capabilities(json& j, const json& caps, const std::string& error, double seconds) {
  if (!caps.is_null()) j["capabilities"] = caps;
  if (!error.empty()) put_bytes(j, "capabilities_error", error);
  if (seconds > 0) j["capabilities_seconds"] = seconds;
}
void get_capabilities(const json& j, json& caps, std::string& error, double& seconds) {
  if (auto it = j.find("capabilities"); it != j.end()) caps = *it;
  get_bytes(j, "capabilities_error", error);
  get(j, "capabilities_seconds", seconds);
}
} // namespace

// Metrics sit flat in the program object under their table keys, as they always have.
void put_metrics(json& j, const Metrics& m) {
  for (const auto& d : kMetrics)
    if (m[d.id]) j[std::string(d.key)] = *m[d.id];
}
void get_metrics(const json& j, Metrics& m) {
  for (const auto& d : kMetrics) {
    const std::string key(d.key);
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    const int64_t v = json_read::integer<int64_t>(*it, key);
    if (v < 0) json_read::fail(*it, key, "must not be negative: " + it->dump());
    m[d.id] = v;
  }
}

void to_json(json& j, const TestRunResult& r) {
  j = json{{"status", r.status}};
  if (!r.case_name.empty()) put_bytes(j, "case", r.case_name);
  if (r.err) j["errno"] = r.err;
  put(j, "retval", r.retval);
  put(j, "duration_ns", r.duration_ns);
  if (r.status == TestRunStatus::Ok) j["data_out_hex"] = r.data_out_hex;
  put(j, "expected_retval", r.expected_retval);
  put(j, "expected_data_out_hex", r.expected_data_out_hex);
  if (r.expectation_failed) j["expectation_failed"] = true;
}
void from_json(const json& j, TestRunResult& r) {
  get(j, "status", r.status);
  get_bytes(j, "case", r.case_name);
  get(j, "errno", r.err);
  get(j, "retval", r.retval);
  get(j, "duration_ns", r.duration_ns);
  get(j, "data_out_hex", r.data_out_hex);
  get(j, "expected_retval", r.expected_retval);
  get(j, "expected_data_out_hex", r.expected_data_out_hex);
  get(j, "expectation_failed", r.expectation_failed);
}

void to_json(json& j, const LineCost& r) {
  j = json{{"insns", r.insns}};
  put_bytes(j, "source", r.source);
  if (!r.location.empty()) put_bytes(j, "location", r.location);
}
void from_json(const json& j, LineCost& r) {
  get_bytes(j, "location", r.location);
  get_bytes(j, "source", r.source);
  get(j, "insns", r.insns);
}

void to_json(json& j, const FullLog& r) {
  j = json{{"reason", to_string(r.reason)}, {"level", r.level}, {"bytes", r.bytes}};
  if (r.capped) j["capped"] = true;
  if (!r.file.empty()) put_bytes(j, "file", r.file);
  if (r.text.empty()) return;
  // A log travels deflated on its own: checked for UTF-8, copied into JSON, escaped and only
  // then deflated with its record, a 2.4 MB trace cost 60 ms natively, a second under TCG.
  // Deflated first, it is 10 ms of zlib and hex that needs no escaping.
  if (r.text.size() > kDeflateAbove) {
    const std::string z = deflate_text(r.text);
    if (!z.empty() && z.size() < r.text.size()) {
      j["text_zlib"] = to_hex({reinterpret_cast<const uint8_t*>(z.data()), z.size()});
      return;
    }
  }
  put_bytes(j, "text", r.text);
}
void from_json(const json& j, FullLog& r) {
  std::string reason;
  get(j, "reason", reason);
  auto parsed = parse_full_log_reason(reason);
  if (!parsed) json_read::fail(j, "reason", "is not a full-log reason: " + reason);
  r.reason = *parsed;
  get(j, "level", r.level);
  get(j, "bytes", r.bytes);
  get(j, "capped", r.capped);
  get_bytes(j, "file", r.file);
  get_bytes(j, "text", r.text);
  if (auto z = j.find("text_zlib"); z != j.end()) {
    if (!z->is_string()) json_read::fail(j, "text_zlib", "is not a string");
    auto bytes = parse_hex(z->get_ref<const std::string&>());
    if (!bytes) json_read::fail(j, "text_zlib", bytes.error().what);
    auto text = inflate_text({reinterpret_cast<const char*>(bytes->data()), bytes->size()},
                             kMaxInflatedRecord);
    if (!text) json_read::fail(j, "text_zlib", text.error().what);
    r.text = std::move(*text);
  }
}

void to_json(json& j, const ProgramResult& r) {
  j = json{{"prog_type", r.prog_type}, {"verdict", r.verdict},     {"errno", r.err},
           {"log_bytes", r.log_bytes}, {"log_level", r.log_level}, {"test_run", r.test_run}};
  put_bytes(j, "name", r.name);
  put_bytes(j, "section", r.section);
  put_bytes_list(j, "log_tail", r.log_tail);
  if (!r.error.empty()) put_bytes(j, "error", r.error);
  put_metrics(j, r.metrics);
  if (!r.stack_depth.empty()) j["stack_depth"] = r.stack_depth;
  if (r.log_truncated != LogTruncation::None) j["log_truncated"] = r.log_truncated;
  if (!r.more_test_runs.empty()) j["more_test_runs"] = r.more_test_runs;
  if (!r.helper_ids.empty()) j["helper_ids"] = r.helper_ids;
  if (!r.full_log.empty()) j["full_log"] = r.full_log;
  if (!r.line_costs.empty()) j["line_costs"] = r.line_costs;
}
void from_json(const json& j, ProgramResult& r) {
  get_bytes(j, "name", r.name);
  get_bytes(j, "section", r.section);
  get(j, "prog_type", r.prog_type);
  get(j, "verdict", r.verdict);
  get(j, "errno", r.err);
  get_bytes(j, "error", r.error);
  get_metrics(j, r.metrics);
  get(j, "stack_depth", r.stack_depth);
  get_bytes_list(j, "log_tail", r.log_tail);
  get(j, "log_bytes", r.log_bytes);
  get(j, "log_truncated", r.log_truncated);
  get(j, "more_test_runs", r.more_test_runs);
  get(j, "log_level", r.log_level);
  get(j, "test_run", r.test_run);
  get(j, "full_log", r.full_log);
  get(j, "line_costs", r.line_costs);
  if (auto it = j.find("helper_ids"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) json_read::fail(*it, "helper_ids", "must be an array");
    for (const auto& id : *it)
      r.helper_ids.push_back(json_read::integer<int32_t>(id, "helper_ids"));
  }
}

void to_json(json& j, const ObjectResult& r) {
  j = json{{"sha256", r.sha256}, {"programs", r.programs}};
  put_bytes(j, "name", r.name);
  if (!r.error.empty()) put_bytes(j, "error", r.error);
}
void from_json(const json& j, ObjectResult& r) {
  get_bytes(j, "name", r.name);
  get(j, "sha256", r.sha256);
  get_bytes(j, "error", r.error);
  get(j, "programs", r.programs);
}

void to_json(json& j, const AgentFeatures& r) {
  j = json{{"log_stats", r.log_stats}, {"log_rotating", r.log_rotating}, {"btf", r.btf}};
}
void from_json(const json& j, AgentFeatures& r) {
  get(j, "log_stats", r.log_stats);
  get(j, "log_rotating", r.log_rotating);
  get(j, "btf", r.btf);
}

void to_json(json& j, const AgentReport& r) {
  j = json{{"libbpf_version", r.libbpf_version},
           {"features", r.features},
           {"objects", r.objects},
           {"agent_seconds", r.agent_seconds}};
  put_bytes(j, "kernel_release", r.kernel_release);
  if (!r.machine.empty()) j["machine"] = r.machine;
  if (!r.fatal.empty()) put_bytes(j, "fatal", r.fatal);
  if (r.line_costs_all) j["line_costs_all"] = true;
  put_capabilities(j, r.capabilities, r.capabilities_error, r.capabilities_seconds);
}
void from_json(const json& j, AgentReport& r) {
  get_bytes(j, "kernel_release", r.kernel_release);
  get(j, "machine", r.machine);
  get(j, "libbpf_version", r.libbpf_version);
  get(j, "features", r.features);
  get(j, "objects", r.objects);
  get(j, "agent_seconds", r.agent_seconds);
  get_bytes(j, "fatal", r.fatal);
  get(j, "line_costs_all", r.line_costs_all);
  get_capabilities(j, r.capabilities, r.capabilities_error, r.capabilities_seconds);
}

void to_json(json& j, const KernelSourceInfo& r) {
  j = json{{"kind", r.kind}, {"description", r.description}};
}
void from_json(const json& j, KernelSourceInfo& r) {
  get(j, "kind", r.kind);
  get(j, "description", r.description);
}

void to_json(json& j, const KernelResult& r) {
  j = json{{"name", r.name},
           {"status", r.status},
           {"image", r.image},
           {"image_sha256", r.image_sha256},
           {"accel", r.accel},
           {"boot_seconds", r.boot_seconds},
           {"wall_seconds", r.wall_seconds},
           {"libbpf_version", r.libbpf_version},
           {"features", r.features},
           {"objects", r.objects}};
  put_bytes(j, "kernel_release", r.kernel_release);
  if (!r.arch.empty()) j["arch"] = r.arch;
  if (!r.machine.empty()) j["machine"] = r.machine;
  if (!r.source.empty()) j["source"] = r.source;
  if (r.canary) j["canary"] = true;
  if (!r.error.empty()) put_bytes(j, "error", r.error);
  if (!r.console_tail.empty()) put_bytes_list(j, "console_tail", r.console_tail);
  if (!r.running_object.empty()) put_bytes(j, "running_object", r.running_object);
  if (r.line_costs_all) j["line_costs_all"] = true;
  put_capabilities(j, r.capabilities, r.capabilities_error, r.capabilities_seconds);
}
void from_json(const json& j, KernelResult& r) {
  get(j, "name", r.name);
  get(j, "status", r.status);
  get_bytes(j, "error", r.error);
  get(j, "image", r.image);
  get(j, "image_sha256", r.image_sha256);
  get(j, "source", r.source);
  get(j, "canary", r.canary);
  get(j, "accel", r.accel);
  get(j, "boot_seconds", r.boot_seconds);
  get(j, "wall_seconds", r.wall_seconds);
  get_bytes_list(j, "console_tail", r.console_tail);
  get_bytes(j, "running_object", r.running_object);
  get(j, "arch", r.arch);
  get_bytes(j, "kernel_release", r.kernel_release);
  get(j, "machine", r.machine);
  get(j, "libbpf_version", r.libbpf_version);
  get(j, "features", r.features);
  get(j, "objects", r.objects);
  get(j, "line_costs_all", r.line_costs_all);
  get_capabilities(j, r.capabilities, r.capabilities_error, r.capabilities_seconds);
}

void to_json(json& j, const Toolchain& r) {
  j = json{{"clang", r.clang}, {"libbpf", r.libbpf}, {"vmtest", r.vmtest}};
}
void from_json(const json& j, Toolchain& r) {
  get(j, "clang", r.clang);
  get(j, "libbpf", r.libbpf);
  get(j, "vmtest", r.vmtest);
}

void to_json(json& j, const CorpusInfo& r) {
  j = json{{"objects", r.objects},
           {"total_objects", r.total_objects},
           {"programs", r.programs},
           {"files_scanned", r.files_scanned}};
  put_bytes_list(j, "roots", r.roots);
  if (!r.shard.empty()) j["shard"] = r.shard;
  if (r.bundled) j["bundled"] = true;
}
void from_json(const json& j, CorpusInfo& r) {
  get_bytes_list(j, "roots", r.roots);
  get(j, "objects", r.objects);
  get(j, "total_objects", r.total_objects);
  get(j, "programs", r.programs);
  get(j, "files_scanned", r.files_scanned);
  get(j, "shard", r.shard);
  get(j, "bundled", r.bundled);
}

void to_json(json& j, const RunResults& r) {
  j = json{
      {"schema_version", r.schema_version}, {"toolchain", r.toolchain}, {"kernels", r.kernels}};
  if (r.corpus) j["corpus"] = *r.corpus;
  if (!r.selected.empty()) j["selected"] = r.selected;
}
void from_json(const json& j, RunResults& r) {
  if (!j.is_object()) json_read::fail(j, "(top level)", "must be an object");
  // The version comes first: a newer schema may differ in every other field.
  auto ver = j.find("schema_version");
  if (ver == j.end()) json_read::fail(j, "schema_version", "is missing: not a vmtest results file");
  r.schema_version = json_read::integer<int>(*ver, "schema_version");
  if (r.schema_version != kResultsSchemaVersion)
    json_read::fail(*ver, "schema_version",
                    "is " + std::to_string(r.schema_version) + "; this vmtest reads version " +
                        std::to_string(kResultsSchemaVersion));
  get(j, "toolchain", r.toolchain);
  get(j, "corpus", r.corpus);
  get(j, "selected", r.selected);
  get(j, "kernels", r.kernels);
}

namespace {
template <typename T>
Result<T> parse_document(std::string_view text, const std::string& origin, const char* what) {
  auto j = json_read::parse(text);
  if (!j) return Error{std::string("not ") + what + ": " + j.error().what, origin};
  try {
    return j->template get<T>();
  } catch (const json::exception& e) {
    return Error{std::string("not ") + what + ": " + e.what(), origin};
  }
}
} // namespace

Result<RunResults> parse_results(std::string_view text, std::string_view origin) {
  return parse_document<RunResults>(text, std::string(origin), "a vmtest results file");
}

Result<AgentReport> parse_agent_report(std::string_view text) {
  return parse_document<AgentReport>(text, "the agent's report", "valid");
}

const KernelResult* RunResults::find(const std::string& kernel) const {
  for (const auto& k : kernels)
    if (k.name == kernel) return &k;
  return nullptr;
}

} // namespace vmtest
