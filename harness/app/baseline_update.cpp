// SPDX-License-Identifier: BSD-2-Clause
#include "app/baseline_update.h"

#include "baseline/baseline_file.h"
#include "baseline/diff_table.h"

#include <algorithm>

namespace vmtest {
namespace fs = std::filesystem;

void keep_kernels(RunResults& results, const std::vector<std::string>& names) {
  if (names.empty()) return;
  auto& ks = results.kernels;
  ks.erase(std::remove_if(ks.begin(), ks.end(),
                          [&](const KernelResult& k) {
                            return std::find(names.begin(), names.end(), k.name) == names.end();
                          }),
           ks.end());
}

Result<int> update_baselines(const RunResults& results, const GateOptions& gate,
                             const UpdateOutput& out) {
  // The bundled baselines describe the bundled corpus; another corpus gets its own folder.
  if (decide_comparison(gate, scope_of(results)) == Comparison::OtherCorpus)
    return Error{"the corpus is not the project's own (vmtest.yaml's): pass --baselines "
                 "DIR for its baselines",
                 ""};
  auto policy = load_gate_policy(gate);
  if (!policy) return policy.error();

  int rc = 0;
  size_t written = 0;
  for (const auto& k : results.kernels) {
    if (k.status == KernelStatus::Skipped) {
      out.note(k.name + ": skipped (" + k.error + "); baseline left as it is");
      continue;
    }
    if (k.status != KernelStatus::Ok) {
      out.note(k.name + ": refusing to write a baseline: the kernel gave no verdicts (" +
               to_string(k.status) + ": " + k.error + ")");
      rc = 2;
      continue;
    }
    Baseline fresh = baseline_from_kernel_result(k, results.toolchain);
    fs::path path = baseline_path(gate.baselines_dir, k.name);
    std::error_code ec;
    if (fs::exists(path, ec)) {
      auto old = load_baseline(path);
      if (old) {
        if (*old == fresh) {
          out.note(k.name + ": baseline unchanged");
          continue;
        }
        out.print(render_diff_table(
            diff_kernel(&*old, k, results.toolchain, policy->policy, policy->thresholds),
            out.color));
      } else {
        out.note(k.name + ": replacing unreadable baseline: " + old.error().str());
      }
    } else {
      out.note(k.name + ": new baseline");
    }
    if (auto w = save_baseline(path, fresh); !w) {
      out.note(k.name + ": " + w.error().str());
      rc = 2;
      continue;
    }
    ++written;
    out.note(k.name + ": wrote " + path.string());
  }
  out.note(std::to_string(written) + " baseline(s) written");
  return rc;
}

} // namespace vmtest
