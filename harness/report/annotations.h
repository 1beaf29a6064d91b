// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// GitHub workflow-command annotations: one `::error file=bpf/corpus/<stem>.bpf.c,line=N,...`
// per failing program, pointing at its SEC() line, so the failure shows up on the PR's diff.
// Kernels that gave no verdicts get an annotation without a file.
#include "report/report_model.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

struct SourceLocation {
  std::string file; // relative to the repository root; empty when the source was not found
  int line = 1;
};

// Finds the program in <repo_root>/<corpus>/<stem>.bpf.c: the SEC(...) line just above its
// definition, else the definition, else line 1.
SourceLocation locate_program(const std::filesystem::path& repo_root, const std::string& corpus,
                              const std::string& object, const std::string& program);
// The same search on a source text, for tests; 0 when the program is not found.
int find_program_line(std::string_view source, std::string_view program);

// The folder annotation paths are relative to: `given` (--repo-root) when set, else GitHub's
// checkout ($GITHUB_WORKSPACE, passed as `workspace_env`), else the current directory. GitHub
// resolves `file=` against the workspace whatever the step's working-directory was, so a
// project in a subfolder must not be annotated relative to that subfolder.
std::filesystem::path annotation_root(const std::filesystem::path& given,
                                      const char* workspace_env);

std::string render_annotations(const ReportModel& model, const std::filesystem::path& repo_root,
                               const std::string& corpus = "bpf/corpus");

// Workflow-command escaping: the message (%, CR, LF) and property values (also : and ,).
std::string annotation_data(std::string_view text);
std::string annotation_property(std::string_view text);

} // namespace vmtest
