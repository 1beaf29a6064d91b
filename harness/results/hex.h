#pragma once
// Packets and data_out travel as lowercase hex inside JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

std::string to_hex(const uint8_t* data, size_t len);
inline std::string to_hex(const std::vector<uint8_t>& v) { return to_hex(v.data(), v.size()); }
// nullopt on odd length or a non-hex digit; whitespace and ':' separators are allowed.
std::optional<std::vector<uint8_t>> from_hex(std::string_view hex);

}  // namespace vmtest
