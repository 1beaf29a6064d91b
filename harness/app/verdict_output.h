// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The last step of `vmtest run`, `gate` and `report`: compute the verdict once, render it to
// every requested file, and hand back what the terminal shows. Because all three go through
// here with the same options, they cannot disagree about a results.json.
#include "gate/gate.h"
#include "kernel/env_vars.h"
#include "results/results.h"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

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

// What the terminal shows of a delivered verdict, in this order: a "wrote FILE" line per file,
// the annotations, then the verdict itself (gate/gate_text.h).
struct Delivery {
  GateVerdict verdict; // final: a file that could not be written is one of its findings
  std::vector<std::filesystem::path> written;
  std::string annotations; // what the stdout formats print (the ::error lines); empty unless asked for
};

// Judges `results` by `gate` (gate/gate.h, resolve_gate) and writes every requested file.
// Never fails for what the gate can judge: unreadable baselines or policy, and a file that
// cannot be written, are ERROR findings of the verdict (exit 2) so reports still say what
// happened. `env` answers $GITHUB_STEP_SUMMARY and $GITHUB_WORKSPACE.
Delivery deliver_verdict(const RunResults& results, const GateInputs& gate, const OutputArgs& out,
                         const EnvLookup& env = process_env);

// `vmtest gate` and `vmtest report`: resolve_gate for these results, then deliver_verdict.
Delivery judge_results(const RunResults& results, const GateOptions& gate, const OutputArgs& out,
                       const EnvLookup& env = process_env);

} // namespace vmtest
