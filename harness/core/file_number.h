// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Every number vmtest takes from a file someone wrote (the policy's thresholds and headroom
// levels, vmtest.yaml's thresholds and timeout) is judged here, once, before it is used. NaN
// compares false with everything, so `fail: .nan` would switch a check off without a word, and
// `.inf` would do the same from the other side; both are refused, as is a negative limit.
#include <cstdint>
#include <string>

namespace vmtest {

enum class NumberRange {
  AtLeastZero, // thresholds, percentages: 0 is a legitimate "any change"
  AboveZero,   // timeouts, limits: 0 would mean "nothing may happen"
};

// Empty when `v` is usable; otherwise why not, to follow the key's name: "is NaN",
// "is infinite", "must be >= 0", "must be > 0".
std::string number_problem(double v, NumberRange range);
std::string number_problem(int64_t v, NumberRange range);

} // namespace vmtest
