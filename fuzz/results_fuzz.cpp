// SPDX-License-Identifier: BSD-2-Clause
// results.json as a user hands it to `vmtest gate`, `report`, `merge`, `capabilities`: a file
// from another run, another version, or another machine.
#include "fuzz_support.h"
#include "results/results.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto results = parse_results(fuzz::text(data, size), "fuzz/results.json");
  if (!results) return 0;
  // Whatever vmtest accepts it can write, and what it writes it reads back the same.
  const std::string once = nlohmann::json(*results).dump();
  auto again = parse_results(once, "rewritten");
  fuzz::require(again.ok(), "rewritten results parse");
  fuzz::require(nlohmann::json(*again).dump() == once, "rewritten results read back the same");
  return 0;
}
