// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// vmtest.yaml, the project file: a repository's corpus, kernel rows, testrun cases, baselines,
// policy, thresholds and output folder, so `vmtest run` needs no flags there. vmtest finds it by
// walking up from the current directory, as clang-format finds its file. Every path in it is
// relative to the file's own folder and may say ${NAME} or ${NAME:-default} to take part of it
// from the environment (the repository's own file names its build folder that way).
//
// This is plain data: which values the file sets. cli/settings.h applies them to the same
// option structs the flags fill, and flags win.
#include "baseline/policy.h"
#include "core/result.h"
#include "kernel/env_vars.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

inline constexpr const char* kProjectFileName = "vmtest.yaml";

// The kernel rows a project adds to the bundled matrix (or replaces in it, by name). The rows
// keep the matrix file's own format: they are re-read by parse_matrix, never by a second parser.
struct ProjectRows {
  std::string yaml;               // a matrix document {kernels: [...]} holding only these rows
  std::string origin;             // "path/vmtest.yaml: kernels.rows", for error messages
  std::filesystem::path base_dir; // relative `path:` sources resolve here
  std::vector<std::string> names; // the rows declared, in file order
};

struct ProjectFile {
  std::filesystem::path path; // the file read
  std::filesystem::path dir;  // its folder

  std::optional<std::vector<std::filesystem::path>> corpus; // globs already expanded
  std::optional<std::filesystem::path> sources;             // *.bpf.c, for annotations
  std::optional<std::filesystem::path> testrun, baselines, policy, out;
  std::optional<int> timeout;
  std::optional<bool> strict;
  ThresholdOverrides thresholds; // the policy's `thresholds:` keys; no headroom here

  std::optional<std::filesystem::path> matrix, lock;
  std::optional<std::vector<std::string>> kernel_defaults;
  std::optional<ProjectRows> rows;
};

// The nearest vmtest.yaml in `start` or one of its parents; nullopt when there is none.
std::optional<std::filesystem::path> find_project_file(const std::filesystem::path& start);

// `path` names the file (for messages and to anchor relative paths); nothing is read from it.
// `env` answers ${NAME} references (tests pass their own).
Result<ProjectFile> parse_project_file(std::string_view text, const std::filesystem::path& path,
                                       const EnvLookup& env = process_env);
Result<ProjectFile> load_project_file(const std::filesystem::path& path);

// ${NAME} and ${NAME:-default} (an empty NAME counts as unset); an unset NAME without a default
// is an error naming it. Unlike the matrix's URL expansion (kernel/env_vars.h), a project path
// may carry a default: the repository's own file falls back to ./build that way.
Result<std::string> expand_env(std::string_view text, const EnvLookup& env = process_env);

// The commented starter file `vmtest init` writes.
std::string starter_project_file();

} // namespace vmtest
