// SPDX-License-Identifier: BSD-2-Clause
// What a guest writes on its results port: raw serial bytes, read as a stream of records. A
// guest runs whatever the corpus and the kernel make it run, so every byte is hostile.
#include "fuzz_support.h"
#include "results/guest_protocol.h"
#include "results/results.h"

using namespace vmtest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw = fuzz::text(data, size);
  // The path the controller takes; it must never throw or crash, whatever arrived.
  auto stream = parse_guest_stream(raw);
  // Guest data cannot forge records: the same bytes carried as an object's error text, inside
  // a complete report, come back byte for byte, and the report still reads as finished.
  AgentReport report;
  report.kernel_release = "fuzz";
  ObjectResult obj;
  obj.name = "hostile.bpf.o";
  obj.error = std::string(raw);
  report.objects.push_back(obj);
  auto back = parse_guest_stream(std::string(raw) + "\n" + encode_report(report));
  fuzz::require(back.ok(), "an encoded report parses");
  fuzz::require(back->finished, "an encoded report after noise still ends");
  // Bytes that are not UTF-8 travel escaped (results/byte_text.h): every input round-trips.
  fuzz::require(!back->report.objects.empty() && back->report.objects.back().error == obj.error,
                "guest data inside a record comes back unchanged");
  (void)stream;
  return 0;
}
