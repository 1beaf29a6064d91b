// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The terminal side of a verdict (app/verdict_output.h writes the files): the output flags,
// and what `vmtest run`, `gate` and `report` print once the verdict is delivered.
#include "app/verdict_output.h"
#include "cli/run_args.h"

#include <CLI/CLI.hpp>
#include <string>

namespace vmtest {

// `html_flags`: the CLI11 names of the HTML report option ("" for none).
void add_output_options(CLI::App* cmd, OutputArgs& o, const std::string& html_flags);

// Prints a delivered verdict: "wrote FILE" lines on stderr, then the annotations and the
// verdict (all of it, or with --quiet its last line) on stdout. Returns its exit code.
int print_delivery(const Delivery& d, const OutputArgs& out);

// `vmtest gate` and `vmtest report`: judge_results, then print_delivery.
int print_verdict(const RunResults& results, const GateArgs& gate, const OutputArgs& out);

// Writes text to stdout one whole line at a time, flushing after each, so lines never
// interleave with stderr's progress when both go to one CI log.
void print_lines(const std::string& text);

} // namespace vmtest
