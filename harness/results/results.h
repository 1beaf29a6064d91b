// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The results schema (docs/results-schema.md): kernel -> object -> program. The guest agent
// produces AgentReport; the controller wraps it in a KernelResult with what it knows about the
// VM (accelerator, boot time, console) and the objects' hashes.
#include "core/result.h"
#include "results/full_log_selection.h"
#include "results/line_cost.h"
#include "results/metrics.h"
#include "results/status.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

inline constexpr int kResultsSchemaVersion = 1;

struct TestRunResult {
  TestRunStatus status = TestRunStatus::Skipped;
  std::string case_name; // which testrun/ case supplied the input, "default" otherwise
  int err = 0;
  std::optional<uint32_t> retval;
  std::optional<uint32_t> duration_ns;
  std::string data_out_hex;
  std::optional<uint32_t> expected_retval; // from the case, when it declares one
  std::optional<std::string> expected_data_out_hex;
  bool expectation_failed = false; // a declared expectation did not hold
};

// The complete verifier log of a program that failed, changed or came close to a limit
// (results/full_log_selection.h). The guest sends its text; the host writes it, exactly as the
// kernel printed it, to OUT/<file> and keeps only the facts about it in results.json.
struct FullLog {
  FullLogReason reason = FullLogReason::None;
  int level = 0;       // log level it was printed at (1, or 2 when asked)
  uint64_t bytes = 0;  // what the kernel printed, before our cap
  bool capped = false; // the file holds only the last part: the cap (or the kernel) cut its head
  std::string text;    // guest -> host only; empty in results.json
  std::string file;    // "logs/<kernel>/<object>/<program>.log", relative to the output folder
  bool empty() const { return reason == FullLogReason::None; }
};

struct ProgramResult {
  std::string name;
  std::string section;
  std::string prog_type; // libbpf's name for the program type, e.g. "xdp"
  Verdict verdict = Verdict::Rejected;
  int err = 0;             // errno of the failed load, 0 when accepted
  std::string error;       // libbpf/kernel error text when rejected
  Metrics metrics;         // counts, sizes and times; see results/metrics.h
  std::string stack_depth; // "a+b" per subprogram, as the kernel prints it
  std::vector<std::string> log_tail;
  uint64_t log_bytes = 0; // size of the whole verifier log we saw
  // When the tail was lost, log_tail ends where the buffer ended and says so.
  LogTruncation log_truncated = LogTruncation::None;
  int log_level = 0; // level the recorded log was produced at
  // Helper ids the program calls (from its instructions), so a rejection whose log names no
  // helper can still be linked to a helper the kernel lacks (harness/capabilities/).
  std::vector<int32_t> helper_ids;
  TestRunResult test_run;                    // the first (often only) case
  std::vector<TestRunResult> more_test_runs; // further testrun/ cases for this program
  FullLog full_log;                          // reason None: not kept
  // Processed insns per source line, most expensive first (top lines only), for programs with a
  // full log, or every program when the run asked for line costs.
  std::vector<LineCost> line_costs;
};

struct ObjectResult {
  std::string name; // file name, e.g. "loop.bpf.o"
  std::string sha256;
  std::string error; // non-empty when the object itself could not be opened
  std::vector<ProgramResult> programs;
};

struct AgentFeatures {
  bool log_stats = false;    // log_level 4 (BPF_LOG_STATS) is accepted
  bool log_rotating = false; // an overflowing log keeps its tail (6.4+ behaviour, probed)
  bool btf = false;          // /sys/kernel/btf/vmlinux present
};

// What vmtest-guest writes, inside a VM or in --kernel host mode.
struct AgentReport {
  std::string kernel_release; // uname -r as the guest sees it
  std::string machine;        // uname -m: which build of the agent ran ("x86_64", "aarch64")
  std::string libbpf_version;
  AgentFeatures features;
  std::vector<ObjectResult> objects;
  bool line_costs_all = false; // every program's line costs were recorded (Manifest)
  double agent_seconds = 0;
  std::string fatal; // set when the agent could not run at all (no manifest, ...)
  // `bpftool feature probe kernel -j`, verbatim (null when not probed); why it is missing.
  nlohmann::json capabilities;
  std::string capabilities_error;
  double capabilities_seconds = 0; // what the probe cost on this kernel
};

// Which of a row's sources produced the kernel that booted (see kernels/matrix.yaml).
struct KernelSourceInfo {
  std::string kind;        // "debian", "oci", "local", ...
  std::string description; // machine-independent: "lvh-images/kernel-images:6.6-main on quay.io"
  bool empty() const { return kind.empty(); }
  bool operator==(const KernelSourceInfo&) const = default;
};

struct KernelResult {
  std::string name; // matrix row: "5.10", "6.1", "host" ...
  // The row's `arch:` ("x86_64", "arm64"); empty in older results, which were all x86_64.
  std::string arch;
  KernelStatus status = KernelStatus::Ok;
  std::string error;
  std::string image;        // package or source the kernel came from
  std::string image_sha256; // sha256 of the vmlinuz that booted
  KernelSourceInfo source;  // which source booted; empty for host and unfetched rows
  // A canary row (matrix.h): it follows the newest kernel, so the gate reports its changes as
  // warnings unless the policy says `canary: fail`.
  bool canary = false;
  std::string accel;                     // "kvm", "tcg" or "none" (host)
  double boot_seconds = 0;               // qemu start -> results received
  double wall_seconds = 0;               // whole stage including image build
  std::vector<std::string> console_tail; // last console lines; always kept on failure
  // The object the agent was working on when the guest stopped early (timeout, panic, kill);
  // `objects` then holds the verdicts reached before it. Empty when the guest finished.
  std::string running_object;
  std::string kernel_release;
  std::string machine; // uname -m in the guest (the agent's own architecture)
  std::string libbpf_version;
  AgentFeatures features;
  std::vector<ObjectResult> objects;
  bool line_costs_all = false; // from the AgentReport: baselines keep line costs only then
  // Copied from the AgentReport; harness/capabilities/ reads them.
  nlohmann::json capabilities;
  std::string capabilities_error;
  double capabilities_seconds = 0;

  // Stopped early (timeout, panic, killed, interrupted ...) after streaming verdicts for some
  // objects: the gate judges those, and lists the rest as not verified.
  bool partial() const { return is_failure(status) && !objects.empty(); }
  // Verdicts to judge: a finished kernel, or the objects a partial one reached.
  bool has_verdicts() const { return status == KernelStatus::Ok || partial(); }
};

struct Toolchain {
  std::string clang;
  std::string libbpf;
  std::string vmtest;
};

// Where the objects came from, so a run that verified nothing can say why.
struct CorpusInfo {
  std::vector<std::string> roots; // folders or files that were searched
  int64_t objects = 0;            // objects this run loaded (after --shard)
  int64_t total_objects = 0;      // objects found before --shard
  int64_t programs = 0;           // programs in this run's objects, as listed on the host
  int64_t files_scanned = 0;      // regular files looked at, BPF or not
  std::string shard;              // "I/N" when sharded
  bool bundled = false;           // the corpus built with vmtest (its baselines are bpf/baselines)
};

struct RunResults {
  int schema_version = kResultsSchemaVersion;
  Toolchain toolchain;
  std::optional<CorpusInfo> corpus; // absent in results written before it existed
  // The rows named with --kernel; empty when the run took the matrix's defaults. The gate
  // expects exactly these kernels, or, when empty, every kernel that has a baseline.
  std::vector<std::string> selected;
  std::vector<KernelResult> kernels;

  const KernelResult* find(const std::string& kernel) const;
};

// A program's metrics as flat keys of its JSON object (absent when unknown); reading checks
// that each is a non-negative integer in range.
void put_metrics(nlohmann::json& j, const Metrics& m);
void get_metrics(const nlohmann::json& j, Metrics& m);

// The two ways results enter vmtest from outside: a results.json a user hands to a command, and
// the agent's report from a guest's results port. Both are untrusted text; every failure is an
// Error (never an exception, never a wrapped number) that names `origin` and the field.
Result<RunResults> parse_results(std::string_view text, std::string_view origin);
Result<AgentReport> parse_agent_report(std::string_view text);

void to_json(nlohmann::json& j, const TestRunResult& r);
void from_json(const nlohmann::json& j, TestRunResult& r);
void to_json(nlohmann::json& j, const LineCost& r);
void from_json(const nlohmann::json& j, LineCost& r);
void to_json(nlohmann::json& j, const FullLog& r);
void from_json(const nlohmann::json& j, FullLog& r);
void to_json(nlohmann::json& j, const ProgramResult& r);
void from_json(const nlohmann::json& j, ProgramResult& r);
void to_json(nlohmann::json& j, const ObjectResult& r);
void from_json(const nlohmann::json& j, ObjectResult& r);
void to_json(nlohmann::json& j, const AgentFeatures& r);
void from_json(const nlohmann::json& j, AgentFeatures& r);
void to_json(nlohmann::json& j, const AgentReport& r);
void from_json(const nlohmann::json& j, AgentReport& r);
void to_json(nlohmann::json& j, const KernelSourceInfo& r);
void from_json(const nlohmann::json& j, KernelSourceInfo& r);
void to_json(nlohmann::json& j, const KernelResult& r);
void from_json(const nlohmann::json& j, KernelResult& r);
void to_json(nlohmann::json& j, const Toolchain& r);
void from_json(const nlohmann::json& j, Toolchain& r);
void to_json(nlohmann::json& j, const CorpusInfo& r);
void from_json(const nlohmann::json& j, CorpusInfo& r);
void to_json(nlohmann::json& j, const RunResults& r);
void from_json(const nlohmann::json& j, RunResults& r);

} // namespace vmtest
