// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Symbolic program return values for test case expectations, so a case can say XDP_PASS
// instead of 2. The values are the uapi ones and the same on every kernel. Names are
// unambiguous across program types (XDP_*, TC_ACT_*, SK_*, BPF_OK/BPF_DROP for the flow
// dissector, CGROUP_SKB_ALLOW/DROP), so no program type is needed to resolve one.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace vmtest {

std::optional<uint32_t> symbolic_retval(std::string_view name);
// Every known name, for "did you mean" style error messages.
std::vector<std::string_view> symbolic_retval_names();

} // namespace vmtest
