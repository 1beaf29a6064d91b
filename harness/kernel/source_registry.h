// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The table of source kinds a matrix row may name. Adding a kind means writing its
// <kind>_source.{h,cpp} and its test, and adding one line to source_registry.cpp.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <string>
#include <vector>

namespace vmtest {

using SourceParser = std::unique_ptr<KernelSource> (*)(const SourceSpec&);

struct SourceKind {
  const char* name; // the key in matrix.yaml and in the lock
  SourceParser parse;
  // Its images are read where they lie, in the local kernel folder ($VMTEST_KERNEL_DIR), never
  // cached: `vmtest kernels list` says "local" for them.
  bool reads_kernel_dir = false;
};

const std::vector<SourceKind>& source_kinds();
// The table's entry for `name`; null for a kind nobody registered.
const SourceKind* find_source_kind(const std::string& name);
// "debian, oci, rpm, url, path, build, local", for messages.
std::string known_source_kinds();
// The kind's parser applied to `spec`; throws SpecError for a kind nobody registered.
std::unique_ptr<KernelSource> parse_source(const std::string& kind, const SourceSpec& spec);

} // namespace vmtest
