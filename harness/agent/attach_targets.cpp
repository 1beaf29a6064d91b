// SPDX-License-Identifier: BSD-2-Clause
#include "agent/attach_targets.h"

#include <algorithm>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cstdint>
#include <string_view>
#include <vector>

namespace vmtest {
namespace {

uint64_t name_hash(std::string_view s) { // FNV-1a
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s)
    h = (h ^ c) * 1099511628211ull;
  return h;
}

// Hashes of the names of every function in the kernel's BTF, sorted; built once. A collision
// can only make a missing function look present, which costs time, never a result. Inside
// vmtest-guest the BTF is libbpf's own cached copy (agent/vmlinux_btf_cache.cpp), so this is
// one pass over it, not another parse, and freeing it keeps it for libbpf.
const std::vector<uint64_t>* kernel_functions() {
  static const std::vector<uint64_t>* hashes = []() -> std::vector<uint64_t>* {
    btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return nullptr;
    auto* out = new std::vector<uint64_t>;
    for (__u32 id = 1; id < btf__type_cnt(vmlinux); ++id) {
      const btf_type* t = btf__type_by_id(vmlinux, id);
      if (btf_is_func(t)) out->push_back(name_hash(btf__name_by_offset(vmlinux, t->name_off)));
    }
    btf__free(vmlinux);
    std::sort(out->begin(), out->end());
    return out;
  }();
  return hashes;
}

} // namespace

bool attach_target_missing(const bpf_program* prog) {
  switch (bpf_program__expected_attach_type(prog)) {
  case BPF_TRACE_FENTRY:
  case BPF_TRACE_FEXIT:
  case BPF_MODIFY_RETURN:
    break;
  default:
    return false; // no guess for other kinds of attach targets
  }
  // "fentry/vfs_read", "fexit.s/...": the target follows the first slash. "mod:func" names a
  // module's function, which the kernel's own BTF does not hold; no guess for those either.
  std::string_view section = bpf_program__section_name(prog);
  size_t slash = section.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view target = section.substr(slash + 1);
  if (target.empty() || target.find(':') != std::string_view::npos) return false;
  const auto* functions = kernel_functions();
  return functions && !std::binary_search(functions->begin(), functions->end(), name_hash(target));
}

} // namespace vmtest
