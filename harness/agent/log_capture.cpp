// SPDX-License-Identifier: BSD-2-Clause
#include "agent/log_capture.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>

namespace vmtest {
namespace {

std::string g_buffer;
bool g_echo = false;

int capture(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char line[4096];
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(line, sizeof line, fmt, copy);
  va_end(copy);
  if (n > 0) {
    // A runaway object could print without bound; keep the most recent part only.
    if (g_buffer.size() > (1u << 20)) g_buffer.erase(0, g_buffer.size() / 2);
    g_buffer.append(line, std::min<size_t>(static_cast<size_t>(n), sizeof line - 1));
  }
  if (g_echo) vfprintf(stderr, fmt, args);
  return 0;
}

}  // namespace

void install_libbpf_capture(bool echo) {
  g_echo = echo;
  libbpf_set_print(capture);
}

std::string take_libbpf_messages() {
  std::string out;
  out.swap(g_buffer);
  return out;
}

}  // namespace vmtest
