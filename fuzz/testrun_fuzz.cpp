// SPDX-License-Identifier: BSD-2-Clause
// testrun/<object>.yaml: BPF_PROG_TEST_RUN cases (packets, expected return values), written by
// hand in the user's repository.
#include "fuzz_support.h"
#include "testrun/testrun_file.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)parse_testrun_yaml(fuzz::text(data, size), "fuzz/testrun.yaml");
  return 0;
}
