// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Links a rejected program to the capability its kernel lacks. The verifier's log names the
// missing helper or kfunc (verifier/missing_helper.h); the kernel's recorded bpftool probe
// says whether that helper exists there at all, only for other program types, or (oddly) is
// present, in which case the rejection has another cause. The HTML report prints `message`
// ("bpf_loop is absent on 5.10") instead of the raw log.
#include "results/results.h"

#include <optional>
#include <string>
#include <vector>

namespace vmtest {

enum class Availability {
  Absent,         // the kernel has this helper for no program type
  NotForProgType, // the kernel has it, but not for this program's type
  Present,        // the probe says it is available here: the log points elsewhere
  Unknown,        // no probe recorded for this kernel, or a kfunc (bpftool does not probe those)
};
const char* availability_name(Availability a);

struct RejectionCause {
  std::string object;
  std::string program;
  std::string prog_type;
  std::string missing; // "bpf_loop"; "helper#250" when even our table lacks the id;
                       // a kfunc name, or "btf_id N"
  bool kfunc = false;
  // "log": the verifier named it. "calls": the log names nothing (5.10 rejects a bpf_loop
  // program over its callback's BTF before reaching the call), but the program calls a helper
  // the probe says this kernel lacks for its type.
  std::string evidence = "log";
  Availability availability = Availability::Unknown;
  std::vector<std::string> other_prog_types; // NotForProgType: where it is available
  std::string message;                       // one line for humans: "bpf_loop is absent on 5.10"
};

// Nullopt when the program was accepted, or neither its log nor its calls point at a missing
// helper or kfunc.
std::optional<RejectionCause> explain_rejection(const KernelResult& kernel,
                                                const ObjectResult& object,
                                                const ProgramResult& program);
// Every explainable rejection of one kernel, in object/program order.
std::vector<RejectionCause> explain_rejections(const KernelResult& kernel);

// Kernels of a run whose probe lists `helper` for `prog_type` (any type when empty), e.g. to
// add "(available on 6.1, 6.12)" to a message.
std::vector<std::string> kernels_offering(const RunResults& run, const std::string& helper,
                                          const std::string& prog_type = "");

} // namespace vmtest
