// SPDX-License-Identifier: BSD-2-Clause
#include "agent/attach_targets.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <string>
#include <string_view>

namespace vmtest {
namespace {

// The kernel's BTF, parsed once. Inside vmtest-guest this is libbpf's own cached copy
// (agent/vmlinux_btf_cache.cpp), and a lookup by name is a hash lookup into the index that
// libbpf's attach-target lookups use anyway, so the guess costs no pass of its own over the
// 100k types (a sorted table of function names built here took a tenth of a second of a TCG
// guest). Elsewhere (unit tests) it is libbpf's linear scan.
const btf* kernel_btf() {
  static const btf* vmlinux = btf__load_vmlinux_btf();
  return vmlinux;
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
  const btf* vmlinux = kernel_btf();
  return vmlinux && btf__find_by_name_kind(vmlinux, std::string(target).c_str(), BTF_KIND_FUNC) < 0;
}

} // namespace vmtest
