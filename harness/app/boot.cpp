// SPDX-License-Identifier: BSD-2-Clause
#include "app/boot.h"

namespace vmtest {

Result<VmOutcome> boot_one(const Matrix& matrix, const BootRequest& req, RunStages& stages) {
  const KernelRow* row = matrix.find(req.kernel);
  if (!row) return Error{"unknown kernel '" + req.kernel + "'", ""};
  RowFetch got = stages.fetch_kernel(*row);
  if (got.status == FetchStatus::unavailable)
    return Error{"kernel '" + req.kernel + "': " + got.reason, ""};
  if (got.status == FetchStatus::failed) return got.error;
  VmSpec spec;
  spec.name = req.kernel;
  spec.arch = row->arch; // an arm64 row boots in qemu-system-aarch64
  spec.kernel = got.image->vmlinuz;
  spec.initrd = req.initrd;
  spec.work_dir = req.work;
  spec.timeout = req.timeout;
  spec.accel = req.accel;
  auto outcomes = stages.boot_all({spec}, 1, [](size_t, const std::string&) {});
  if (outcomes.size() != 1) return Error{"the VM runner returned no outcome", req.kernel};
  return outcomes.front();
}

int boot_exit_code(const VmOutcome& o) {
  return o.ok() ? 0 : 2;
}

} // namespace vmtest
