// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// kernels/matrix.yaml as plain data: which kernels exist, which run by default and where each
// one comes from. A row lists its sources in the order they are tried (kernel_image.h):
//
//   - name: "6.6"
//     description: 6.6 LTS
//     sources:
//       - local: {}                                              # $VMTEST_KERNEL_DIR/6.6
//       - oci: {registry: quay.io, repository: lvh-images/kernel-images, tag: 6.6-main}
//
// `source:` (one map) is shorthand for a one-element `sources:` list. The lock's pins are
// handed to each source as it is parsed, so nothing downstream sees YAML or the lock.
#include "core/arch.h"
#include "core/result.h"
#include "kernel/kernel_source.h"
#include "kernel/lock_file.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

struct KernelRow {
  std::string name;
  std::string description;
  // A canary follows the newest kernel of a series instead of a pin (`canary: true`); the gate
  // reports its changes as warnings unless the policy says otherwise. One debian source.
  bool canary = false;
  // `arch:` in the matrix (default x86_64): which qemu boots the row, which agent and bpftool
  // its guest image holds, and which Debian architecture its packages are fetched for.
  Arch arch = Arch::x86_64;
  // Tried in order; the first one available here wins. Never empty.
  std::vector<std::shared_ptr<const KernelSource>> sources;
  // The first source of `kind`, or null.
  const KernelSource* source_of(std::string_view kind) const;
  // "local, oci": the kinds in order, for listings.
  std::string kinds() const;
};

struct Matrix {
  std::vector<KernelRow> rows;
  std::vector<std::string> defaults;
  const KernelRow* find(std::string_view name) const;
};

Result<Matrix> load_matrix(const std::filesystem::path& matrix_yaml,
                           const std::filesystem::path& lock_json);

// The YAML text itself; load_matrix reads the files and then calls this. `base_dir` anchors
// relative paths. Exposed so tests can feed matrices inline.
Result<Matrix> parse_matrix(std::string_view yaml_text, const std::string& origin,
                            const std::filesystem::path& base_dir, const LockFile& lock,
                            const std::string& lock_origin = "kernels/matrix.lock.json");

} // namespace vmtest
