// SPDX-License-Identifier: BSD-2-Clause
#include "testrun/retval.h"

#include <array>
#include <utility>

namespace vmtest {
namespace {
// BPF_PROG_TEST_RUN reports retval as a u32; negative codes (TC_ACT_UNSPEC) wrap.
constexpr std::array<std::pair<std::string_view, uint32_t>, 21> kTable{{
    {"XDP_ABORTED", 0},      {"XDP_DROP", 1},
    {"XDP_PASS", 2},         {"XDP_TX", 3},
    {"XDP_REDIRECT", 4},     {"TC_ACT_UNSPEC", static_cast<uint32_t>(-1)},
    {"TC_ACT_OK", 0},        {"TC_ACT_RECLASSIFY", 1},
    {"TC_ACT_SHOT", 2},      {"TC_ACT_PIPE", 3},
    {"TC_ACT_STOLEN", 4},    {"TC_ACT_QUEUED", 5},
    {"TC_ACT_REPEAT", 6},    {"TC_ACT_REDIRECT", 7},
    {"SK_DROP", 0},          {"SK_PASS", 1},
    {"BPF_OK", 0},           {"BPF_DROP", 2},
    {"BPF_REDIRECT", 7},     {"CGROUP_SKB_DROP", 0},
    {"CGROUP_SKB_ALLOW", 1},
}};
} // namespace

std::optional<uint32_t> symbolic_retval(std::string_view name) {
  for (const auto& [n, v] : kTable)
    if (n == name) return v;
  return std::nullopt;
}

std::vector<std::string_view> symbolic_retval_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : kTable)
    names.push_back(entry.first);
  return names;
}

} // namespace vmtest
