// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// What the controller tells the agent to do: which objects to load and which
// BPF_PROG_TEST_RUN inputs to feed each program. Written as /vmtest/manifest.json into the
// initramfs (or passed by path in --kernel host mode). Packets are already bytes here: the
// host parses testrun/ so the static guest needs no YAML parser.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <map>
#include <nlohmann/json.hpp>

#include "results/full_log_selection.h"
#include "results/line_cost.h"

namespace vmtest {

// Kernel command-line word telling the guest agent to skip the capability probe because the
// controller already holds this kernel build's result.
inline constexpr std::string_view kSkipCapabilitiesArg = "vmtest.capabilities=cached";

struct TestCase {
  std::string program;  // program (function) name in the object
  std::string name;     // case name, shown in results
  std::string data_in_hex;
  std::string ctx_in_hex;
  uint32_t repeat = 1;
  std::optional<uint32_t> expect_retval;
  std::optional<std::string> expect_data_out_hex;
};

// One global variable (.rodata, .data or .bss) set before load, as `veristat -G name=value`.
// The value is an integer (decimal, 0x hex, negative) or the name of an enumerator of the
// variable's enum type; the agent resolves it against the object's BTF.
struct GlobalSetting {
  std::string name;
  std::string value;
  bool operator==(const GlobalSetting&) const = default;
};

// A named set of globals: the object is verified once per preset, and its programs are keyed
// "program@preset" in results and baselines.
struct Preset {
  std::string name;
  std::vector<GlobalSetting> globals;
  bool operator==(const Preset&) const = default;
};

// "prog" + "@" + "preset": how a program loaded under a preset is named in results.
std::string preset_program_name(const std::string& program, const std::string& preset);

// Everything one testrun/<stem>.yaml declares for an object (testrun/testrun_file.h).
struct TestrunSpec {
  std::vector<TestCase> cases;
  std::vector<Preset> presets; // in file order
  bool empty() const { return cases.empty() && presets.empty(); }
};

struct ManifestObject {
  std::string name;  // file name, e.g. "loop.bpf.o"
  std::string path;  // where the agent finds it
  std::vector<TestCase> cases;
  // Empty: the object is loaded once as it is. Otherwise once per preset, and not as it is.
  std::vector<Preset> presets;
};

// Kernel command-line word naming the matrix row a guest boots for ("vmtest.row=6.1"), so the
// one image every kernel shares can pick that row's baseline out of FullLogPlan.
inline constexpr std::string_view kRowArg = "vmtest.row=";
// Kernel argument naming the device the guest streams its records to, when it is not
// /dev/ttyS1 (the x86 layout): arm64 guests get `vmtest.results=/dev/ttyS0` (vm/qemu_command.h).
inline constexpr std::string_view kResultsPortArg = "vmtest.results=";
// Kernel argument giving the agent more than one worker process ("vmtest.workers=2"): the
// controller passes it with as many vCPUs (run/guest_cpus.h). Absent: one.
inline constexpr std::string_view kWorkersArg = "vmtest.workers=";

// Which programs keep a full verifier log, and how (results/full_log_selection.h decides).
struct FullLogPlan {
  int level = 1;                    // 2 when asked: every state, much larger
  uint64_t cap_bytes = 16u << 20;   // per log file; a larger log keeps its last part
  bool all = false;                 // every program keeps its full log
  bool line_costs_all = false;      // every program records line costs (for baselines)
  size_t top_lines = kTopLineCosts; // line costs kept per program
  ChangeThresholds change;
  HeadroomThresholds headroom;
  // Row -> "object/program" -> what that row's baseline says; rows without a baseline are
  // absent, and then only rejections and headroom select programs.
  std::map<std::string, std::map<std::string, ProgramExpectation>> baselines;
};

struct Manifest {
  int log_tail_lines = 20;
  // bpftool to run for the capability probe (`feature probe kernel -j`); empty: no probe.
  std::string bpftool;
  std::vector<ManifestObject> objects;
  // Load every program in an object of its own (veristat's way) instead of loading an object
  // whole when it verifies whole. Same results, slower: the reference the fast path must match.
  bool isolated_loads = false;
  FullLogPlan full_logs;
};

void to_json(nlohmann::json& j, const ProgramExpectation& e);
void from_json(const nlohmann::json& j, ProgramExpectation& e);
void to_json(nlohmann::json& j, const FullLogPlan& p);
void from_json(const nlohmann::json& j, FullLogPlan& p);
void to_json(nlohmann::json& j, const TestCase& c);
void from_json(const nlohmann::json& j, TestCase& c);
void to_json(nlohmann::json& j, const GlobalSetting& g);
void from_json(const nlohmann::json& j, GlobalSetting& g);
void to_json(nlohmann::json& j, const Preset& p);
void from_json(const nlohmann::json& j, Preset& p);
void to_json(nlohmann::json& j, const ManifestObject& o);
void from_json(const nlohmann::json& j, ManifestObject& o);
void to_json(nlohmann::json& j, const Manifest& m);
void from_json(const nlohmann::json& j, Manifest& m);

}  // namespace vmtest
