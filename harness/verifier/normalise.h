// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Verifier log lines carry a little run-to-run noise: the time verification took, kernel
// addresses (map pointers in ld_imm64, randomised by KASLR) and object ids handed out by the
// running kernel. normalise_log_line() replaces exactly that noise with stable placeholders
// so a log tail can be diffed against a baseline. Everything that carries meaning stays:
// register states, scalar bounds, error text, instruction numbers, helper names and ids.
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

std::string normalise_log_line(std::string_view line);
std::vector<std::string> normalise_log_lines(const std::vector<std::string>& lines);

}  // namespace vmtest
