// SPDX-License-Identifier: BSD-2-Clause
// The gate policy (bpf/policy.yaml): which findings fail a run. Hand-written YAML.
#include "baseline/policy.h"
#include "fuzz_support.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)parse_policy(fuzz::text(data, size), "fuzz/policy.yaml");
  return 0;
}
