// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The end of a verifier log is where the verdict lives: the error message, the summary line
// and the last few instructions before it. This is what results record and baselines diff.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

// The last `n` non-blank lines of `log`, oldest first, with trailing whitespace and '\r'
// removed. Stops at the first NUL (the kernel's terminator when handed a whole buffer) and
// does not need a final newline.
std::vector<std::string> log_tail(std::string_view log, size_t n);

}  // namespace vmtest
