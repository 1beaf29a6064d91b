// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Small line-scanning helpers shared by the verifier log parsers. Verifier logs are a few
// well-known line formats, so hand-rolled scanning beats <regex> on speed and on the static
// guest's binary size.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace vmtest::logscan {

// The kernel NUL-terminates the log buffer; a caller may hand us the whole buffer.
inline std::string_view until_nul(std::string_view s) {
  auto nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits on '\n'; the last line needs no terminator. Lines keep their content untrimmed.
inline std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  s = until_nul(s);
  while (!s.empty()) {
    auto nl = s.find('\n');
    if (nl == std::string_view::npos) {
      out.push_back(s);
      break;
    }
    out.push_back(s.substr(0, nl));
    s.remove_prefix(nl + 1);
  }
  return out;
}

// Consumes `prefix` from the front of `s` when it is there.
inline bool eat(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Consumes a non-negative decimal integer.
inline std::optional<int64_t> eat_int(std::string_view& s) {
  if (s.empty() || !is_digit(s.front())) return std::nullopt;
  int64_t v = 0;
  while (!s.empty() && is_digit(s.front())) {
    // Saturate rather than overflow on garbage; no real count comes near this.
    if (v < INT64_MAX / 10) v = v * 10 + (s.front() - '0');
    s.remove_prefix(1);
  }
  return v;
}

}  // namespace vmtest::logscan
