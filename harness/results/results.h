#pragma once
// The results schema (docs/results-schema.md): kernel -> object -> program. The guest agent
// produces AgentReport; the controller wraps it in a KernelResult with what it knows about the
// VM (accelerator, boot time, console) and the objects' hashes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vmtest {

inline constexpr int kResultsSchemaVersion = 1;

struct TestRunResult {
  // "ok": BPF_PROG_TEST_RUN ran; "not_runnable": the kernel has no test_run for this program
  // type; "error": it is supported but failed (errno says why); "skipped": program not loaded.
  std::string status = "skipped";
  std::string case_name;  // which testrun/ case supplied the input, "default" otherwise
  int err = 0;
  std::optional<uint32_t> retval;
  std::optional<uint32_t> duration_ns;
  std::string data_out_hex;
  std::optional<uint32_t> expected_retval;  // from the case, when it declares one
  std::optional<std::string> expected_data_out_hex;
  bool expectation_failed = false;  // a declared expectation did not hold
};

struct ProgramResult {
  std::string name;
  std::string section;
  std::string prog_type;        // libbpf's name for the program type, e.g. "xdp"
  std::string verdict;          // "accepted" or "rejected"
  int err = 0;                  // errno of the failed load, 0 when accepted
  std::string error;            // libbpf/kernel error text when rejected
  std::optional<int64_t> insns_processed;
  std::optional<int64_t> insn_limit;
  std::optional<int64_t> max_states_per_insn;
  std::optional<int64_t> total_states;
  std::optional<int64_t> peak_states;
  std::optional<int64_t> mark_read;
  std::optional<int64_t> verification_time_us;
  std::string stack_depth;  // "a+b" per subprogram, as the kernel prints it
  std::optional<uint32_t> xlated_size;
  std::optional<uint32_t> jited_size;
  std::optional<uint32_t> verified_insns;  // bpf_prog_info.verified_insns (5.16+)
  std::vector<std::string> log_tail;
  uint64_t log_bytes = 0;        // size of the whole verifier log we saw
  // "" when the whole log was seen. "head": the log overflowed and only its tail was kept (the
  // tail is what we diff, so that is fine). "tail": even the largest buffer overflowed on a
  // kernel that keeps the head; log_tail then ends where the buffer ended and says so.
  std::string log_truncated;
  int log_level = 0;             // level the recorded log was produced at
  // Helper ids the program calls (from its instructions), so a rejection whose log names no
  // helper can still be linked to a helper the kernel lacks (harness/capabilities/).
  std::vector<int32_t> helper_ids;
  TestRunResult test_run;                    // the first (often only) case
  std::vector<TestRunResult> more_test_runs;  // further testrun/ cases for this program
};

struct ObjectResult {
  std::string name;  // file name, e.g. "loop.bpf.o"
  std::string sha256;
  std::string error;  // non-empty when the object itself could not be opened
  std::vector<ProgramResult> programs;
};

struct AgentFeatures {
  bool log_stats = false;     // log_level 4 (BPF_LOG_STATS) is accepted
  bool log_rotating = false;  // an overflowing log keeps its tail (6.4+ behaviour, probed)
  bool btf = false;           // /sys/kernel/btf/vmlinux present
};

// What vmtest-guest writes, inside a VM or in --kernel host mode.
struct AgentReport {
  std::string kernel_release;  // uname -r as the guest sees it
  std::string libbpf_version;
  AgentFeatures features;
  std::vector<ObjectResult> objects;
  double agent_seconds = 0;
  std::string fatal;  // set when the agent could not run at all (no manifest, ...)
  // `bpftool feature probe kernel -j`, verbatim (null when not probed); why it is missing.
  nlohmann::json capabilities;
  std::string capabilities_error;
  double capabilities_seconds = 0;  // what the probe cost on this kernel
};

// Which of a row's sources produced the kernel that booted (see kernels/matrix.yaml).
struct KernelSourceInfo {
  std::string kind;         // "debian", "oci", "local", ...
  std::string description;  // machine-independent, e.g. "lvh-images/kernel-images:6.6-main on quay.io"
  bool empty() const { return kind.empty(); }
  bool operator==(const KernelSourceInfo&) const = default;
};

struct KernelResult {
  std::string name;  // matrix row: "5.10", "6.1", "host" ...
  // "ok", "skipped" (source not implemented / not selected), "error" (fetch or setup),
  // "boot_failed", "timeout", "panic", "no_results"
  std::string status = "ok";
  std::string error;
  std::string image;         // package or source the kernel came from
  std::string image_sha256;  // sha256 of the vmlinuz that booted
  KernelSourceInfo source;   // which source it came from; empty for "host" and unfetched rows
  std::string accel;         // "kvm", "tcg" or "none" (host)
  double boot_seconds = 0;   // qemu start -> results received
  double wall_seconds = 0;   // whole stage including image build
  std::vector<std::string> console_tail;  // last console lines; always kept on failure
  std::string kernel_release;
  std::string libbpf_version;
  AgentFeatures features;
  std::vector<ObjectResult> objects;
  // Copied from the AgentReport; harness/capabilities/ reads them.
  nlohmann::json capabilities;
  std::string capabilities_error;
  double capabilities_seconds = 0;
};

struct Toolchain {
  std::string clang;
  std::string libbpf;
  std::string vmtest;
};

struct RunResults {
  int schema_version = kResultsSchemaVersion;
  Toolchain toolchain;
  std::vector<KernelResult> kernels;

  const KernelResult* find(const std::string& kernel) const;
};

void to_json(nlohmann::json& j, const TestRunResult& r);
void from_json(const nlohmann::json& j, TestRunResult& r);
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
void to_json(nlohmann::json& j, const RunResults& r);
void from_json(const nlohmann::json& j, RunResults& r);

}  // namespace vmtest
