// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Presets (testrun/<stem>.yaml `presets:`): global variables written into an opened object's
// .rodata/.data/.bss before it is loaded, as `veristat -G name=value` does. A `const volatile`
// flag in .rodata then is a constant the verifier sees, so one object verifies differently per
// preset. The variable is found through the object's BTF (its DATASEC), the value checked
// against the variable's type and size, and written with bpf_map__initial_value.
#include "results/manifest.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct bpf_object;

namespace vmtest {

// What a variable's BTF type allows: an integer of `size` bytes, or an enum of that size.
struct GlobalType {
  uint32_t size = 0;
  bool is_signed = false;
  bool is_bool = false;
  std::vector<std::pair<std::string, int64_t>> enumerators; // non-empty for an enum
};

// The little-endian bytes `value` stands for in a variable of type `t`, or an error naming
// `var`: a number that does not fit, an enumerator the enum lacks, a bool other than 0/1.
struct GlobalBytes {
  std::vector<uint8_t> bytes;
  std::string error;
};
GlobalBytes encode_global(const std::string& var, const std::string& value, const GlobalType& t);

// Sets every global of `globals` in `obj` (opened, not loaded). Returns an error text naming
// the first variable that is missing, of an unsupported type, or given a bad value; empty on
// success. Globals in .kconfig and .ksyms are externs resolved by libbpf, never preset.
std::string apply_globals(bpf_object* obj, const std::vector<GlobalSetting>& globals);

} // namespace vmtest
