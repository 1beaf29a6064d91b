// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The report templates (reports/templates/*): embedded into the binary at build time so that
// `vmtest report` and `vmtest run` work from any directory, or read from a directory while a
// template is being edited (`vmtest report --templates reports/templates`).
#include <filesystem>
#include <map>
#include <string>

#include "core/result.h"

namespace vmtest {

using TemplateSet = std::map<std::string, std::string>;  // file name -> text

const TemplateSet& embedded_templates();
// Every regular file of `dir`, by file name. An empty `dir` gives the embedded set.
Result<TemplateSet> load_templates(const std::filesystem::path& dir);

}  // namespace vmtest
