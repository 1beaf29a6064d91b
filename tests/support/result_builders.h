// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The one set of builders for KernelResult, ObjectResult and ProgramResult that unit tests use:
// small, explicit, no VM. Two kinds:
//   - bare ones (program, rejected_with_log, counted, kernel_of, probed) set only what their
//     arguments say, for tests about one field;
//   - samples (accepted, rejected, kernel) look like a real run of Debian's 6.1, with the log
//     tail, test_run and image a gate or a report needs.
#include "results/results.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vmtest::testing {

// --- Bare ---------------------------------------------------------------------------------------

// A program with a name, a verdict and a log tail; every other field keeps its default.
inline ProgramResult program(std::string name, Verdict verdict = Verdict::Accepted,
                             std::vector<std::string> log_tail = {}) {
  ProgramResult p;
  p.name = std::move(name);
  p.verdict = verdict;
  p.log_tail = std::move(log_tail);
  return p;
}

// A rejected program whose log says exactly `log_tail`: what rejection explanations read.
inline ProgramResult rejected_with_log(std::string name, std::string prog_type,
                                       std::vector<std::string> log_tail, int err = 22) {
  ProgramResult p = program(std::move(name), Verdict::Rejected, std::move(log_tail));
  p.prog_type = std::move(prog_type);
  p.err = err;
  return p;
}

// An accepted program known only by its count and the limits its log printed: what headroom
// looks at. nullopt leaves a value unknown.
inline ProgramResult counted(int64_t insns, std::optional<int64_t> limit,
                             std::optional<int64_t> stack = std::nullopt,
                             std::optional<int64_t> maps = std::nullopt) {
  ProgramResult p = program("prog");
  p.metrics[Metric::InsnsProcessed] = insns;
  p.metrics[Metric::InsnLimit] = limit;
  p.metrics[Metric::StackDepth] = stack;
  p.metrics[Metric::MapsUsed] = maps;
  return p;
}

// `p` with the limits its log printed and the maps it uses; nullopt leaves a value unknown.
inline ProgramResult with_limits(ProgramResult p, std::optional<int64_t> limit,
                                 std::optional<int64_t> stack, std::optional<int64_t> maps) {
  p.metrics[Metric::InsnLimit] = limit;
  p.metrics[Metric::StackDepth] = stack;
  p.metrics[Metric::MapsUsed] = maps;
  return p;
}

inline ObjectResult object(std::string name, std::string sha, std::vector<ProgramResult> progs) {
  ObjectResult o;
  o.name = std::move(name);
  o.sha256 = std::move(sha);
  o.programs = std::move(progs);
  return o;
}

// A kernel with a name and its objects; status Ok, no image, no features.
inline KernelResult kernel_of(std::string name, std::vector<ObjectResult> objects = {}) {
  KernelResult k;
  k.name = std::move(name);
  k.objects = std::move(objects);
  return k;
}

// A kernel with its recorded `bpftool feature probe` and one object, corpus.bpf.o, holding
// `programs`: what rejection explanations need.
inline KernelResult probed(std::string name, nlohmann::json capabilities,
                           std::vector<ProgramResult> programs) {
  KernelResult k = kernel_of(std::move(name), {object("corpus.bpf.o", "", std::move(programs))});
  k.capabilities = std::move(capabilities);
  return k;
}

// --- Samples
// --------------------------------------------------------------------------------------

inline ProgramResult accepted(std::string name, int64_t insns, int64_t states = 3) {
  ProgramResult p = program(std::move(name), Verdict::Accepted);
  p.section = "xdp";
  p.prog_type = "xdp";
  p.metrics[Metric::InsnsProcessed] = insns;
  p.metrics[Metric::TotalStates] = states;
  p.metrics[Metric::PeakStates] = states;
  p.metrics[Metric::VerificationTimeUs] = 41;
  p.log_tail = {"verification time 41 usec", "stack depth 0",
                "processed " + std::to_string(insns) +
                    " insns (limit 1000000) max_states_per_insn 0 "
                    "total_states " +
                    std::to_string(states) + " peak_states " + std::to_string(states) +
                    " mark_read 1"};
  p.test_run.status = TestRunStatus::Ok;
  p.test_run.case_name = "default";
  p.test_run.retval = 2;
  p.test_run.duration_ns = 1234;
  p.test_run.data_out_hex = "00112233";
  return p;
}

inline ProgramResult rejected(std::string name, std::string error_line, int err = 22) {
  ProgramResult p = program(std::move(name), Verdict::Rejected,
                            {"5: (85) call bpf_loop#181", std::move(error_line),
                             "processed 5 insns (limit 1000000) max_states_per_insn 0 "
                             "total_states 0 peak_states 0 mark_read 0"});
  p.section = "xdp";
  p.prog_type = "xdp";
  p.err = err;
  p.metrics[Metric::InsnsProcessed] = 5;
  p.test_run.status = TestRunStatus::Skipped;
  return p;
}

inline KernelResult kernel(std::string name = "6.1") {
  KernelResult k = kernel_of(std::move(name));
  k.status = KernelStatus::Ok;
  k.image = "linux-image-6.1.0-37-cloud-amd64";
  k.image_sha256 = "aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44";
  k.kernel_release = "6.1.0-37-cloud-amd64";
  k.accel = "tcg";
  k.boot_seconds = 2.4;
  return k;
}

inline KernelResult with(KernelResult k, std::vector<ObjectResult> objects) {
  k.objects = std::move(objects);
  return k;
}

// The toolchain run_of records, so a test can record baselines with the same one.
inline Toolchain sample_toolchain() {
  return {"clang 14", "1.4.6", "0.1.0"};
}

inline RunResults run_of(std::vector<KernelResult> kernels) {
  RunResults r;
  r.toolchain = sample_toolchain();
  r.kernels = std::move(kernels);
  return r;
}

// --- Use-case samples (tests/app) ------------------------------------------------------------

// An xdp program with a verdict and an instruction count (rejected: EACCES): what the use-case
// tests stream from their fake guests.
inline ProgramResult program(std::string name, Verdict verdict, int64_t insns) {
  ProgramResult p;
  p.name = std::move(name);
  p.section = "xdp";
  p.prog_type = "xdp";
  p.verdict = verdict;
  if (verdict == Verdict::Rejected) p.err = 13;
  p.metrics[Metric::InsnsProcessed] = insns;
  p.metrics[Metric::TotalStates] = 2;
  p.metrics[Metric::PeakStates] = 2;
  p.log_tail = {"processed " + std::to_string(insns) + " insns (limit 1000000)"};
  return p;
}

// A kernel whose one object, a.bpf.o, holds `programs`; a status other than Ok carries an
// error and no objects.
inline KernelResult kernel_with(std::string name, std::vector<ProgramResult> programs,
                                KernelStatus status = KernelStatus::Ok) {
  KernelResult k;
  k.name = std::move(name);
  k.status = status;
  k.image = "fake image";
  k.image_sha256 = std::string(64, 'a');
  k.kernel_release = "test";
  if (status != KernelStatus::Ok) {
    k.error = "boom";
    return k;
  }
  ObjectResult o;
  o.name = "a.bpf.o";
  o.sha256 = std::string(64, 'f');
  o.programs = std::move(programs);
  k.objects.push_back(std::move(o));
  return k;
}

// A run over the project's own corpus (or, with false, another one).
inline RunResults results_of(std::vector<KernelResult> kernels, bool project_corpus = true) {
  RunResults r;
  r.toolchain = {"clang", "1.4", "dev"};
  r.kernels = std::move(kernels);
  CorpusInfo c;
  c.roots = {"corpus"};
  c.objects = c.total_objects = 1;
  c.programs = 1;
  c.bundled = project_corpus;
  r.corpus = c;
  return r;
}

} // namespace vmtest::testing
