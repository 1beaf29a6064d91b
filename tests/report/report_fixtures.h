#pragma once
// Runs for the report tests: small hand-built ones (tests/baseline/sample_results.h) and the
// fixtures in tests/data/report (a real run of Debian 5.10/6.1/6.12, and an XSS run).
#include <string>
#include <vector>

#include "baseline/baseline_file.h"
#include "baseline/classify.h"
#include "baseline/sample_results.h"
#include "core/fs.h"
#include "results/results.h"

namespace vmtest::testing {

inline RunResults load_run(const std::string& file) {
  auto text = read_file(std::string(VMTEST_TEST_DATA) + "/report/" + file);
  if (!text) throw std::runtime_error(text.error().str());
  return nlohmann::json::parse(*text).get<RunResults>();
}

// Diffs every kernel of `run` against baselines recorded from `reference`.
inline std::vector<DiffReport> diff_against(const RunResults& reference, const RunResults& run,
                                            const Policy& policy = {}) {
  std::vector<DiffReport> out;
  for (const auto& k : run.kernels) {
    const KernelResult* ref = reference.find(k.name);
    if (!ref || k.status == "skipped") continue;
    out.push_back(diff_kernel(baseline_from_kernel_result(*ref, reference.toolchain), k, policy,
                              Thresholds{}));
  }
  return out;
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
  std::vector<DiffReport> diffs(const Policy& p = {}) const { return diff_against(before, after, p); }
};

}  // namespace vmtest::testing
