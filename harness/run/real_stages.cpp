// SPDX-License-Identifier: BSD-2-Clause
#include "run/real_stages.h"

#include "vm/clock.h"
#include "vm/run_all.h"
#include "vm/vm_runner.h"

namespace vmtest {

RealStages::RealStages(std::filesystem::path cache_dir, std::filesystem::path kernel_dir,
                       Progress& progress)
    : cache_dir_(std::move(cache_dir)), kernel_dir_(std::move(kernel_dir)), progress_(progress) {}

RowFetch RealStages::fetch_kernel(const KernelRow& row) {
  FetchContext ctx;
  ctx.cache_dir = cache_dir_;
  ctx.runner = &runner_;
  ctx.http = &http_;
  ctx.kernel_dir = kernel_dir_;
  ctx.unreachable = unreachable_;
  ctx.record_pin = record_pin_;
  ctx.log = [this, name = row.name](const std::string& line) { progress_.kernel(name, line); };
  return fetch_row(row, ctx);
}

std::vector<VmOutcome>
RealStages::boot_all(const std::vector<VmSpec>& specs, int jobs,
                     const std::function<void(size_t, const std::string&)>& state) {
  SteadyClock clock;
  AccelOptions aopts;
  aopts.cache_file = cache_dir_ / "accel.json";
  aopts.notify = [this](std::string_view line) { progress_.note(std::string(line)); };
  AccelSelector accel(runner_, clock, detect_host_facts(), aopts);
  VmRunner vm(runner_, accel, clock);
  return run_all(
      vm, specs, jobs,
      [&](size_t i, const VmSpec&, const VmOutcome& o) {
        // A VM the cancellation kept in the queue never ran: no time, no accelerator.
        if (o.accel.empty() && o.status == KernelStatus::Interrupted)
          state(i, std::string(to_string(o.status)) + " before it started");
        else
          state(i, std::string(to_string(o.status)) + " after " +
                       std::to_string(o.seconds).substr(0, 4) + "s (" + o.accel + ")");
      },
      [&](size_t i, const VmSpec&) { state(i, "booting"); });
}

Result<ExitStatus> RealStages::run_host(const Command& cmd, std::chrono::milliseconds timeout) {
  return runner_.run(cmd, timeout);
}

} // namespace vmtest
