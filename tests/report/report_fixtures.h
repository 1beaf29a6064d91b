// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Runs for the report tests: small hand-built ones (tests/support/result_builders.h) and the
// fixtures in tests/data/report (a real run of Debian 5.10/6.1/6.12, and an XSS run).
#include "baseline/baseline_file.h"
#include "baseline/classify.h"
#include "core/fs.h"
#include "gate/gate.h"
#include "results/results.h"
#include "support/result_builders.h"
#include "test_paths.h"

#include <string>
#include <vector>

namespace vmtest::testing {

inline RunResults load_run(const std::string& file) {
  auto text = read_file(std::string(VMTEST_TEST_DATA) + "/report/" + file);
  if (!text) throw std::runtime_error(text.error().str());
  return nlohmann::json::parse(*text).get<RunResults>();
}

// The gate's verdict on `run`, with baselines recorded from `reference` (none when null).
inline GateVerdict verdict_against(const RunResults* reference, const RunResults& run,
                                   const Policy& policy = {}) {
  GateInputs in;
  in.policy = policy;
  in.compare = reference != nullptr;
  if (reference)
    for (const auto& k : reference->kernels)
      if (k.status == KernelStatus::Ok)
        in.baselines.emplace(k.name, baseline_from_kernel_result(k, reference->toolchain));
  return evaluate_gate(run, in);
}
inline GateVerdict verdict_against(const RunResults& reference, const RunResults& run,
                                   const Policy& policy = {}) {
  return verdict_against(&reference, run, policy);
}
// No baselines at all: what `--no-gate` gives.
inline GateVerdict verdict_alone(const RunResults& run) {
  return verdict_against(nullptr, run);
}

// One kernel: bpf_loop.bpf.o with `before` as the baseline's program and `after` as now.
struct OneProgram {
  RunResults before, after;
  explicit OneProgram(ProgramResult a, ProgramResult b, std::string kernel_name = "6.1") {
    KernelResult kb = kernel(kernel_name), ka = kernel(kernel_name);
    kb.objects.push_back(object("bpf_loop.bpf.o", "sha-1", {std::move(a)}));
    ka.objects.push_back(object("bpf_loop.bpf.o", "sha-1", {std::move(b)}));
    before.kernels.push_back(std::move(kb));
    after.kernels.push_back(std::move(ka));
  }
  GateVerdict verdict(const Policy& p = {}) const { return verdict_against(before, after, p); }
};

} // namespace vmtest::testing
