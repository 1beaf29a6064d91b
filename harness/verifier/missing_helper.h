// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Which helper or kfunc a kernel lacks, read from the verifier's rejection message, so a
// report can say "needs bpf_loop" instead of pasting the log. Recognised messages:
//   unknown func bpf_loop#181                 helper known by name, not offered here
//   invalid func unknown#181                  helper id beyond this kernel's list
//   calling kernel function X is not allowed  kfunc not allowed for this program type
//   kernel btf_id N not found / is not a function
//   extern (func ksym) 'X': not found in kernel or module BTFs     (libbpf, before load)
#include <optional>
#include <string>
#include <string_view>

namespace vmtest {

// The helper's name ("bpf_loop"); "helper#181" when the kernel is too old to know the name
// (map the id with a helper table); "btf_id N" for a kfunc known only by its BTF id.
std::optional<std::string> missing_helper(std::string_view log);

}  // namespace vmtest
