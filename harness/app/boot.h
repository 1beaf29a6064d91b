// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `vmtest boot`: boot one matrix kernel with any initramfs and report how it ended. Useful to
// debug a guest image, and the benchmark uses it to measure the bare boot floor.
#include "kernel/matrix.h"
#include "run/controller.h"

#include <chrono>
#include <filesystem>
#include <string>

namespace vmtest {

struct BootRequest {
  std::string kernel; // a matrix row
  std::filesystem::path initrd;
  std::filesystem::path work = "vmtest-out/boot";
  std::chrono::seconds timeout{60};
  std::string accel = "auto";
};

// The VM's outcome; an error when the row is unknown, has no source available here, or its
// kernel cannot be fetched. The exit code is 0 only when the VM ended well (boot_exit_code).
Result<VmOutcome> boot_one(const Matrix& matrix, const BootRequest& req, RunStages& stages);
int boot_exit_code(const VmOutcome& o);

} // namespace vmtest
