// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// zlib streams for record bodies (results/guest_protocol.h). The results port moves about a
// megabyte a second under TCG (qemu writes each byte of an emulated 16550 on its own), and a
// rejected program's full verifier log can be megabytes of near-identical lines: deflated, it
// is a twentieth of that.
#include "core/result.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace vmtest {

// zlib format, fastest level: the guest pays for the compression in emulated instructions.
std::string deflate_text(std::string_view text);

// The inflated text, or an error for a damaged stream, trailing bytes, or a text that would
// grow past `max_bytes` (a guest's report is data, not a way to exhaust the host's memory).
Result<std::string> inflate_text(std::string_view stream, size_t max_bytes);

} // namespace vmtest
