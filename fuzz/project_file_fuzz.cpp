// SPDX-License-Identifier: BSD-2-Clause
// vmtest.yaml, a project's own settings, found by walking up from the working directory.
// ${VARS} expand from a fixed environment so runs are reproducible.
#include "cli/project_file.h"
#include "fuzz_support.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const EnvLookup env = [](const std::string& name) {
    return name == "UNSET" ? std::string() : "value-of-" + name;
  };
  (void)parse_project_file(fuzz::text(data, size), "/nonexistent/project/vmtest.yaml", env);
  return 0;
}
