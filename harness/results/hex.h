// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Hex strings are how packets, contexts and expected outputs travel through the manifest
// and the test case files: lowercase, two digits per byte, no separators.
#include "core/result.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

// Accepts upper or lower case and ignores whitespace, ':' and '-' between bytes, so a
// hand-written "02:00:00:00:00:01" or a wrapped YAML block both work. Odd digit counts and
// other characters are errors.
Result<std::vector<uint8_t>> parse_hex(std::string_view text);
std::string to_hex(std::span<const uint8_t> bytes);

} // namespace vmtest
