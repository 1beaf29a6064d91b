// SPDX-License-Identifier: BSD-2-Clause
// kernels/matrix.lock.json, and each source kind's reading of its pin: the committed matrix is
// parsed against every lock the fuzzer makes.
#include "fuzz_support.h"
#include "kernel/lock_file.h"
#include "kernel/matrix.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string matrix = fuzz::source_file("kernels/matrix.yaml");
  auto lock = parse_lock(fuzz::text(data, size), "fuzz/matrix.lock.json");
  if (!lock) return 0;
  (void)parse_matrix(matrix, "kernels/matrix.yaml", "/nonexistent/kernels", *lock,
                     "fuzz/matrix.lock.json");
  return 0;
}
