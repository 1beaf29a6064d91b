// SPDX-License-Identifier: BSD-2-Clause
// What an OCI registry answers: an index or image manifest, and an image config blob. The
// registry (or anything between it and us) decides these bytes.
#include "fuzz_support.h"
#include "kernel/oci_manifest.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(fuzz::text(data, size));
  if (auto doc = parse_oci_document(body, "", "fuzz")) {
    if (doc->is_index) (void)pick_platform(*doc, "linux", "amd64", "fuzz");
  }
  (void)check_config_platform(body, "linux", "amd64", "fuzz");
  return 0;
}
