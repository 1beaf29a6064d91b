// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Finds kernel panics and oops/BUG/WARNING splats in serial console text. Pure functions over
// text: the runner feeds the console log as it grows (so a panic is seen while qemu runs) and
// unit tests feed recorded console logs.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

struct ConsoleScan {
  bool any_output = false; // at least one byte arrived
  // The kernel proper printed a (timestamped) line: the liveness signal. Any output is not
  // enough: under the broken nested KVM here the real-mode setup stub still prints
  // "Probing EDD ... ok", then the kernel hangs without another byte.
  bool kernel_alive = false;
  std::optional<std::string> panic; // the "Kernel panic - not syncing: ..." line
  // "Initramfs unpacking failed: ...": the guest image is incomplete (usually too little
  // memory for it), so whatever the agent reports after it cannot be trusted as a pass.
  std::optional<std::string> unpack_failure;
  std::vector<std::string> oopses; // first line of each splat, timestamp stripped
  std::vector<std::string> tail;   // last lines of the console, as printed
};

// Incremental scanner: feed() takes arbitrary chunks (lines may be split across chunks).
class ConsoleScanner {
public:
  explicit ConsoleScanner(std::size_t tail_lines = 50) : tail_limit_(tail_lines) {}
  void feed(std::string_view chunk);
  // Flushes a trailing partial line into the result; call once, at the end.
  void finish();
  const ConsoleScan& result() const { return scan_; }

private:
  void line(std::string_view raw);

  std::size_t tail_limit_;
  std::string partial_;
  std::deque<std::string> tail_;
  ConsoleScan scan_;
  bool in_splat_ = false; // inside a splat already recorded: its Oops/Call Trace lines are not new
  int splat_lines_ = 0;   // lines since the splat began; splats without an end marker expire
  std::string previous_;  // last telling line; names a Call Trace that has no header
};

ConsoleScan scan_console(std::string_view text, std::size_t tail_lines = 50);

// True for a printk line: "[    1.234567] ..." (printk.time=1 is on the base cmdline).
bool is_kernel_line(std::string_view line);

// "[    1.234567] BUG: ..." -> "BUG: ..."; also drops a "[    T1]" caller id.
std::string_view strip_timestamp(std::string_view line);

} // namespace vmtest
