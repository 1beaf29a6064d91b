// SPDX-License-Identifier: BSD-2-Clause
// ${NAME} and ${NAME:-default} in vmtest.yaml paths. Scanned by hand: std::regex recursed once
// per character, and a 50 000-character name overflowed the stack (fuzz/run.sh raises this
// target's -max_len above that).
#include "cli/project_file.h"
#include "fuzz_support.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::text(data, size);
  const EnvLookup env = [](const std::string& name) {
    return name == "UNSET" ? std::string() : "v";
  };
  auto out = expand_env(text, env);
  // Text without "${" has nothing to expand and comes back as it was.
  if (text.find("${") == std::string_view::npos)
    fuzz::require(out.ok() && *out == text, "text without ${ is unchanged");
  return 0;
}
