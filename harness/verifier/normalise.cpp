// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/normalise.h"

#include <cstdint>

#include "verifier/log_lines.h"

namespace vmtest {
using namespace logscan;

namespace {

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_word(char c) {
  return is_hex(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || c == '_';
}

uint64_t hex_value(std::string_view digits) {
  uint64_t v = 0;
  for (char c : digits) {
    int d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

// Is this 64-bit value a kernel address rather than a number the program computes with?
// Kernel addresses have the top 16 bits set. Sign-extended 32-bit values
// (0xffffffff80000000, small negatives) are common scalar bounds and carry meaning, so
// outside an ld_imm64 we only treat the ranges below them (direct map, vmalloc, vmemmap) as
// addresses. The immediate of an ld_imm64 (`(18) r1 = 0x...`) is the map or ksym address the
// verifier patched in, so there the kernel-text and module ranges count too. With 5-level
// paging (LA57, which TCG's `max` CPU offers) the kernel half starts at 0xff00000000000000,
// so the direct map can sit at e.g. 0xff1e6f9e1ef62400.
bool is_kernel_address(uint64_t v, bool ld_imm64) {
  if ((v >> 56) != 0xff) return false;
  if (ld_imm64) return true;
  return v < 0xffffffff00000000ull;
}

// "(18) rN = " marks an ld_imm64 instruction in the printed program.
bool line_is_ld_imm64(std::string_view line) { return line.find("(18) r") != std::string_view::npos; }

}  // namespace

std::string normalise_log_line(std::string_view line) {
  // Trailing blanks and '\r' are noise; leading ones are kept (state lines start with one).
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
    line.remove_suffix(1);
  std::string out;
  out.reserve(line.size());

  std::string_view rest = trim(line);
  if (eat(rest, "verification time ")) {
    std::string_view probe = rest;
    if (eat_int(probe) && eat(probe, " usec")) return "verification time N usec" + std::string(probe);
  }

  const bool ld_imm64 = line_is_ld_imm64(line);
  size_t i = 0;
  while (i < line.size()) {
    // Kernel addresses: exactly 16 hex digits after 0x, not glued to a longer word.
    if (line[i] == '0' && i + 1 < line.size() && (line[i + 1] == 'x' || line[i + 1] == 'X') &&
        (i == 0 || !is_word(line[i - 1]))) {
      size_t j = i + 2;
      while (j < line.size() && is_hex(line[j])) ++j;
      auto digits = line.substr(i + 2, j - i - 2);
      bool whole = j == line.size() || !is_word(line[j]);
      if (whole && digits.size() == 16 && is_kernel_address(hex_value(digits), ld_imm64)) {
        out += "0xKADDR";
        i = j;
        continue;
      }
      out.append(line.substr(i, j - i));
      i = j;
      continue;
    }
    // "map[id:12]" / "prog[id:7]": ids the running kernel allocates in load order.
    if (line[i] == '[' && line.substr(i + 1, 3) == "id:") {
      size_t j = i + 4;
      while (j < line.size() && is_digit(line[j])) ++j;
      if (j > i + 4 && j < line.size() && line[j] == ']') {
        out += "[id:N]";
        i = j + 1;
        continue;
      }
    }
    out += line[i];
    ++i;
  }
  return out;
}

std::vector<std::string> normalise_log_lines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  out.reserve(lines.size());
  for (const auto& l : lines) out.push_back(normalise_log_line(l));
  return out;
}

}  // namespace vmtest
