// SPDX-License-Identifier: BSD-2-Clause
#include "core/file_number.h"

#include <cmath>

namespace vmtest {

std::string number_problem(double v, NumberRange range) {
  if (std::isnan(v)) return "is NaN (not a number); give a finite value";
  if (std::isinf(v)) return "is infinite; give a finite value";
  if (range == NumberRange::AtLeastZero && v < 0) return "must be >= 0";
  if (range == NumberRange::AboveZero && v <= 0) return "must be > 0";
  return "";
}

std::string number_problem(int64_t v, NumberRange range) {
  if (range == NumberRange::AtLeastZero && v < 0) return "must be >= 0";
  if (range == NumberRange::AboveZero && v <= 0) return "must be > 0";
  return "";
}

} // namespace vmtest
