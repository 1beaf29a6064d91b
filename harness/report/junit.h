// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// JUnit XML for CI test viewers: one testsuite per kernel, one testcase per kernel x program.
// A FAIL finding is a <failure>, a kernel that gave no verdicts makes its testcases <error>s,
// and a skipped kernel (or a program absent from a kernel) makes them <skipped>.
#include "report/report_model.h"
#include "report/xml_escape.h"

#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

std::string render_junit(const ReportModel& model);

} // namespace vmtest
