// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/helper_ids.h"

#include <iterator>
#include <linux/bpf.h>

namespace vmtest {
namespace {

// __BPF_FUNC_MAPPER lists every helper in id order. Older headers call FN(name), newer ones
// FN(name, id, ...), so the macro takes the name and ignores the rest; the mapper
// supplies the commas.
#define VMTEST_HELPER_NAME(name, ...) "bpf_" #name
constexpr const char* kHelperNames[] = {__BPF_FUNC_MAPPER(VMTEST_HELPER_NAME)};
#undef VMTEST_HELPER_NAME

} // namespace

std::optional<std::string> helper_name_for_id(long id) {
  if (id <= 0 || id >= static_cast<long>(std::size(kHelperNames))) return std::nullopt;
  return std::string(kHelperNames[id]);
}

} // namespace vmtest
