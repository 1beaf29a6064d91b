// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The kernel matrix a project runs: the bundled (or --matrix) matrix with the rows of
// vmtest.yaml laid over it. The project's rows are parsed by parse_matrix, exactly as rows of
// the matrix file are, so both always accept the same row format.
#include "cli/project_file.h"
#include "core/result.h"
#include "kernel/matrix.h"

#include <optional>
#include <string>
#include <vector>

namespace vmtest {

// A project row named like a base row replaces it in place (keeping its default status); a new
// row is appended and joins the defaults. `defaults`, when given, replaces the default
// selection and may name base and project rows alike. `origin` names vmtest.yaml in errors.
Result<Matrix> with_project_rows(Matrix base, const ProjectRows* rows,
                                 const std::optional<std::vector<std::string>>& defaults,
                                 const LockFile& lock, const std::string& origin);

} // namespace vmtest
