// SPDX-License-Identifier: BSD-2-Clause
// The capabilities cache: one bpftool probe per kernel image, kept as a file between runs and
// read back without a guest. A cache is a file like any other (a cache nested 200 000 deep
// segfaulted after the guest finished), so every byte is hostile.
#include "capabilities/capability_matrix.h"
#include "fuzz_support.h"
#include "results/byte_text.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto caps = parse_capabilities(fuzz::text(data, size), "fuzz.json");
  if (!caps) return 0;
  fuzz::require(caps->is_object(), "an accepted probe is an object");
  // What a run does with it next: flatten it for the matrix, and store it in results.json.
  (void)flatten_capabilities(*caps);
  const std::string stored = dump_json(*caps);
  fuzz::require(parse_capabilities(stored, "stored").ok(), "a stored probe reads back");
  return 0;
}
