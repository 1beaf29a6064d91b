// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The production wiring of the controller's stages: apt/cache for kernels, qemu for VMs and
// a subprocess for the host agent.
#include <filesystem>

#include "core/process.h"
#include "kernel/http_client.h"
#include "run/controller.h"
#include "vm/accel.h"

namespace vmtest {

class RealStages : public RunStages {
 public:
  // `kernel_dir`: local images for `local` sources; empty means $VMTEST_KERNEL_DIR.
  RealStages(std::filesystem::path cache_dir, std::filesystem::path kernel_dir, Progress& progress);
  // Where fetches save the pins they measure (kernel_source.h); unset: only said.
  void set_pin_recorder(PinRecorder r) { record_pin_ = std::move(r); }
  RowFetch fetch_kernel(const KernelRow& row) override;
  std::vector<VmOutcome> boot_all(
      const std::vector<VmSpec>& specs, int jobs,
      const std::function<void(size_t, const std::string&)>& state) override;
  Result<ExitStatus> run_host(const Command& cmd, std::chrono::milliseconds timeout) override;

 private:
  std::filesystem::path cache_dir_, kernel_dir_;
  Progress& progress_;
  // One run's verdicts on remote hosts: a dead registry costs one connect timeout per run.
  std::shared_ptr<UnreachableHosts> unreachable_ = std::make_shared<UnreachableHosts>();
  SubprocessRunner runner_;
  CurlHttpClient http_;
  PinRecorder record_pin_;
};

}  // namespace vmtest
