// SPDX-License-Identifier: BSD-2-Clause
// bpf/baselines/<kernel>.json: kept in git, edited by hand and by merges, so it may be
// anything; a baseline that reads wrong could let the gate pass.
#include "baseline/baseline_file.h"
#include "fuzz_support.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto baseline = parse_baseline(fuzz::text(data, size), "fuzz/6.1.json");
  if (!baseline) return 0;
  // Re-recording an unchanged baseline must give the same baseline back.
  auto again = parse_baseline(serialise_baseline(*baseline), "rewritten");
  fuzz::require(again.ok(), "a serialised baseline parses");
  fuzz::require(*again == *baseline, "a serialised baseline reads back equal");
  return 0;
}
