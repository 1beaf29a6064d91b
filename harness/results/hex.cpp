// SPDX-License-Identifier: BSD-2-Clause
#include "results/hex.h"

namespace vmtest {
namespace {
int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
} // namespace

Result<std::vector<uint8_t>> parse_hex(std::string_view text) {
  std::vector<uint8_t> out;
  out.reserve(text.size() / 2);
  int high = -1; // first digit of the byte being read, or -1 between bytes
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '-') {
      if (high >= 0)
        return Error{"hex byte split by a separator at offset " + std::to_string(i), ""};
      continue;
    }
    int v = digit_value(c);
    if (v < 0) {
      return Error{"bad hex character '" + std::string(1, c) + "' at offset " + std::to_string(i),
                   ""};
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) return Error{"odd number of hex digits", ""};
  return out;
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  // Written in place: the guest hexes deflated logs of megabytes, and under TCG a call per
  // character shows.
  std::string s(bytes.size() * 2, '\0');
  char* out = s.data();
  for (uint8_t b : bytes) {
    *out++ = kDigits[b >> 4];
    *out++ = kDigits[b & 0xf];
  }
  return s;
}

} // namespace vmtest
