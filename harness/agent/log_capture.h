// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// libbpf reports why an object or a load failed only through its print callback. We capture
// those lines so each program's result carries libbpf's own words, not just an errno.
#include <string>

namespace vmtest {

// Installs the capturing callback (idempotent). Messages also go to stderr when `echo` is set.
void install_libbpf_capture(bool echo);
// Returns what libbpf printed since the last call, and clears it.
std::string take_libbpf_messages();

}  // namespace vmtest
