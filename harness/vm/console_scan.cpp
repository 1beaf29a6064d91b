// SPDX-License-Identifier: BSD-2-Clause
#include "vm/console_scan.h"

#include <array>

namespace vmtest {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// `word` at the start of the line or after a space, so "DEBUG: x" is not "BUG:".
bool has_word(std::string_view s, std::string_view word) {
  for (std::size_t pos = s.find(word); pos != std::string_view::npos; pos = s.find(word, pos + 1)) {
    if (pos == 0 || s[pos - 1] == ' ') return true;
  }
  return false;
}

// A line that begins a splat of its own. Each one is recorded.
bool is_splat_header(std::string_view s) {
  return has_word(s, "BUG:") || starts_with(s, "kernel BUG at") || starts_with(s, "WARNING:") ||
         starts_with(s, "UBSAN:") || starts_with(s, "Unable to handle kernel") ||
         (starts_with(s, "INFO: task ") && s.find(" blocked for more than ") != s.npos) ||
         s.find("self-detected stall") != s.npos || s.find("detected stalls on CPU") != s.npos;
}

// Lines that are part of a splat: the die() line that follows "BUG: unable to handle page
// fault" or "kernel BUG at", and the stack dump. They are recorded only when no header came
// first (e.g. a bare general protection fault, or a dump_stack()).
bool is_splat_body_start(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kDie = {
      "Oops:",         "general protection fault", "invalid opcode:",
      "divide error:", "stack segment:",           "double fault:",
      "Call Trace:"};
  for (auto d : kDie)
    if (starts_with(s, d)) return true;
  return false;
}

bool is_splat_end(std::string_view s) {
  return s.find("---[ end trace") != s.npos || s.find("---[ end Kernel panic") != s.npos;
}

// Splats without an end marker (dump_stack, panics) stop absorbing lines after this many.
constexpr int kMaxSplatLines = 120;

} // namespace

bool is_kernel_line(std::string_view line) {
  std::size_t i = 0;
  if (line.empty() || line[i++] != '[') return false;
  while (i < line.size() && line[i] == ' ')
    ++i;
  std::size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9')
    ++i;
  if (i == digits || i >= line.size() || line[i++] != '.') return false;
  digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9')
    ++i;
  return i > digits && i < line.size() && line[i] == ']';
}

std::string_view strip_timestamp(std::string_view line) {
  // Up to two leading bracket groups: "[    1.234567]" and, with PRINTK_CALLER, "[    T1]".
  for (int i = 0; i < 2; ++i) {
    if (line.empty() || line[0] != '[') break;
    std::size_t close = line.find(']');
    if (close == std::string_view::npos || close > 24) break;
    line.remove_prefix(close + 1);
    while (!line.empty() && line[0] == ' ')
      line.remove_prefix(1);
  }
  return line;
}

void ConsoleScanner::feed(std::string_view chunk) {
  if (chunk.empty()) return;
  scan_.any_output = true;
  while (!chunk.empty()) {
    std::size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(chunk);
      if (!scan_.kernel_alive && is_kernel_line(partial_)) scan_.kernel_alive = true;
      return;
    }
    if (partial_.empty()) {
      line(chunk.substr(0, nl));
    } else {
      partial_.append(chunk.substr(0, nl));
      line(partial_);
      partial_.clear();
    }
    chunk.remove_prefix(nl + 1);
  }
}

void ConsoleScanner::finish() {
  if (!partial_.empty()) {
    std::string last = std::move(partial_);
    partial_.clear();
    line(last);
  }
  scan_.tail.assign(tail_.begin(), tail_.end());
}

void ConsoleScanner::line(std::string_view raw) {
  // The 8250 console ends lines with \r\n.
  while (!raw.empty() && (raw.back() == '\r' || raw.back() == '\0'))
    raw.remove_suffix(1);
  if (tail_limit_ > 0) {
    tail_.emplace_back(raw);
    if (tail_.size() > tail_limit_) tail_.pop_front();
    scan_.tail.assign(tail_.begin(), tail_.end());
  }
  if (!scan_.kernel_alive && is_kernel_line(raw)) scan_.kernel_alive = true;
  std::string_view s = strip_timestamp(raw);
  if (s.empty()) return;

  if (in_splat_ && ++splat_lines_ > kMaxSplatLines) in_splat_ = false;

  if (!scan_.unpack_failure && starts_with(s, "Initramfs unpacking failed"))
    scan_.unpack_failure = std::string(s);

  if (s.find("Kernel panic - not syncing") != s.npos) {
    if (!scan_.panic) scan_.panic = std::string(s);
    // The panic's own stack dump follows; it is not a separate splat.
    if (!in_splat_) {
      in_splat_ = true;
      splat_lines_ = 0;
    }
  } else if (is_splat_header(s)) {
    scan_.oopses.emplace_back(s);
    in_splat_ = true;
    splat_lines_ = 0;
  } else if (!in_splat_ && is_splat_body_start(s)) {
    if (starts_with(s, "Call Trace:") && !previous_.empty())
      scan_.oopses.push_back("Call Trace: after \"" + previous_ + "\"");
    else
      scan_.oopses.emplace_back(s);
    in_splat_ = true;
    splat_lines_ = 0;
  } else if (in_splat_ && is_splat_end(s)) {
    in_splat_ = false;
  }
  // The CPU/hardware lines dump_stack() prints first do not say why it was called.
  if (!starts_with(s, "CPU: ") && !starts_with(s, "Hardware name:") &&
      !starts_with(s, "Modules linked in:") && !starts_with(s, "Tainted:"))
    previous_ = std::string(s);
}

ConsoleScan scan_console(std::string_view text, std::size_t tail_lines) {
  ConsoleScanner sc(tail_lines);
  sc.feed(text);
  sc.finish();
  return sc.result();
}

} // namespace vmtest
