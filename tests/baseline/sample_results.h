// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Builders for KernelResults used by the baseline tests: small, explicit, no VM.
#include "results/results.h"

#include <string>

namespace vmtest::testing {

inline ProgramResult accepted(std::string name, int64_t insns, int64_t states = 3) {
  ProgramResult p;
  p.name = std::move(name);
  p.section = "xdp";
  p.prog_type = "xdp";
  p.verdict = Verdict::Accepted;
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
  ProgramResult p;
  p.name = std::move(name);
  p.section = "xdp";
  p.prog_type = "xdp";
  p.verdict = Verdict::Rejected;
  p.err = err;
  p.metrics[Metric::InsnsProcessed] = 5;
  p.log_tail = {"5: (85) call bpf_loop#181", error_line,
                "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 "
                "peak_states 0 mark_read 0"};
  p.test_run.status = TestRunStatus::Skipped;
  return p;
}

inline KernelResult kernel(std::string name = "6.1") {
  KernelResult k;
  k.name = std::move(name);
  k.status = KernelStatus::Ok;
  k.image = "linux-image-6.1.0-37-cloud-amd64";
  k.image_sha256 = "aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44";
  k.kernel_release = "6.1.0-37-cloud-amd64";
  k.accel = "tcg";
  k.boot_seconds = 2.4;
  return k;
}

inline ObjectResult object(std::string name, std::string sha, std::vector<ProgramResult> progs) {
  ObjectResult o;
  o.name = std::move(name);
  o.sha256 = std::move(sha);
  o.programs = std::move(progs);
  return o;
}

} // namespace vmtest::testing
