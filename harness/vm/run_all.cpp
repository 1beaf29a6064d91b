// SPDX-License-Identifier: BSD-2-Clause
#include "vm/run_all.h"

#include "core/cancel.h"
#include "vm/qemu_command.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace vmtest {

std::vector<VmOutcome> run_all(VmRunner& runner, std::span<const VmSpec> specs, int jobs,
                               const VmProgress& progress, const VmStarted& started) {
  std::vector<VmOutcome> outcomes(specs.size());
  if (specs.empty()) return outcomes;
  if (jobs <= 0) jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(jobs), specs.size());

  std::atomic<std::size_t> next{0};
  std::mutex progress_mu;
  auto work = [&] {
    for (std::size_t i = next++; i < specs.size(); i = next++) {
      if (cancelled()) {
        // Still queued when the run was cancelled: never booted, and said so.
        outcomes[i].status = KernelStatus::Interrupted;
        outcomes[i].error = specs[i].name + ": not started: " + cancel_reason();
        if (progress) {
          std::lock_guard lock(progress_mu);
          progress(i, specs[i], outcomes[i]);
        }
        continue;
      }
      if (started) {
        std::lock_guard lock(progress_mu);
        started(i, specs[i]);
      }
      VmOutcome out;
      try {
        out = runner.run(specs[i]);
      } catch (const std::exception& e) {
        out.status = KernelStatus::BootFailed;
        out.console_log = console_log_path(specs[i]);
        out.error = specs[i].name + ": " + e.what();
      }
      outcomes[i] = std::move(out);
      if (progress) {
        std::lock_guard lock(progress_mu);
        progress(i, specs[i], outcomes[i]);
      }
    }
  };
  std::vector<std::jthread> threads;
  for (std::size_t w = 1; w < workers; ++w)
    threads.emplace_back(work);
  work(); // the calling thread is a worker too
  for (auto& t : threads)
    t.join(); // before `outcomes` is moved out
  return outcomes;
}

} // namespace vmtest
