// SPDX-License-Identifier: BSD-2-Clause
// kernels/matrix.yaml (or a project's own matrix): every row and source kind, parsed against
// the committed lock so pinned rows take their pin paths too.
#include "fuzz_support.h"
#include "kernel/lock_file.h"
#include "kernel/matrix.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const LockFile lock = [] {
    auto l = parse_lock(fuzz::source_file("kernels/matrix.lock.json"), "kernels/matrix.lock.json");
    fuzz::require(l.ok(), "the committed lock parses");
    return *l;
  }();
  (void)parse_matrix(fuzz::text(data, size), "fuzz/matrix.yaml", "/nonexistent/kernels", lock);
  return 0;
}
