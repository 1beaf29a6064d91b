#pragma once
// Terminal rendering of a DiffReport: a one-line verdict per kernel, a table of the programs
// that have something to say (unchanged ones are only counted), then the details: every
// finding's message, the policy reason that shaped a row, and log tail diffs.
#include <string>
#include <vector>

#include "baseline/classify.h"

namespace vmtest {

std::string render_diff_table(const DiffReport& report, bool color);
std::string render_diff_tables(const std::vector<DiffReport>& reports, bool color);

}  // namespace vmtest
