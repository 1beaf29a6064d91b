// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The last step of `vmtest run`, `gate` and `report`: compute the verdict once, render it to
// the terminal and to every requested file, and return its exit code. Because all three go
// through here with the same options, they cannot disagree about a results.json.
#include "cli/run_args.h"
#include "results/results.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace vmtest {

struct OutputArgs {
  // The FILE of each file format of report/report_formats.h (empty: not written) and whether
  // each flag format was asked for, by format name; file() and flag() find them.
  std::map<std::string, std::filesystem::path, std::less<>> files;
  std::map<std::string, bool, std::less<>> flags;
  // These formats keep fields of their own: commands set the HTML report's default, and `run`
  // claims the other three in its output folder by name (cmd_run.cpp).
  std::filesystem::path html; // report.html to write; empty: none
  std::filesystem::path junit;
  std::filesystem::path markdown;
  std::filesystem::path verdict_json;
  std::filesystem::path repo_root; // empty: $GITHUB_WORKSPACE, else "." (annotation_root)
  std::filesystem::path sources = "bpf/corpus"; // the corpus' *.bpf.c, for annotation paths
  std::filesystem::path templates;
  // The folder results.json is in: full log paths in it are relative to it. Empty: the
  // current folder.
  std::filesystem::path results_dir;
  bool verbose = false; // per-kernel tables with every finding and log diff
  bool quiet = false;   // only the final verdict line

  std::filesystem::path& file(std::string_view format);
  const std::filesystem::path& file(std::string_view format) const;
  bool& flag(std::string_view format);
  bool flag(std::string_view format) const;
};

// `html_flags`: the CLI11 names of the HTML report option ("" for none).
void add_output_options(CLI::App* cmd, OutputArgs& o, const std::string& html_flags);

// Never throws for what the gate can judge: unreadable baselines or policy become an ERROR
// finding of the verdict (exit 2) so reports still say what happened.
int deliver_verdict(const RunResults& results, const GateArgs& gate, const OutputArgs& out);

// Writes text to stdout one whole line at a time, flushing after each, so lines never
// interleave with stderr's progress when both go to one CI log.
void print_lines(const std::string& text);

} // namespace vmtest
