// SPDX-License-Identifier: BSD-2-Clause
// The agent's record writer: what a guest sends about a program whose name, section and log
// are whatever bytes the object and the kernel hold (a Latin-1 comment reaches the log through
// BTF line info). The input is split at its first two NUL bytes into name, section and log.
// Every byte must come back exactly, from the guest's stream and from results.json alike.
#include "fuzz_support.h"
#include "results/byte_text.h"
#include "results/guest_protocol.h"
#include "results/results.h"

#include <nlohmann/json.hpp>

using namespace vmtest;

namespace {

std::string_view take(std::string_view& rest) {
  const size_t nul = rest.find('\0');
  const std::string_view part = rest.substr(0, nul);
  rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  return part;
}

bool same(const ProgramResult& a, const ProgramResult& b) {
  return a.name == b.name && a.section == b.section && a.error == b.error &&
         a.log_tail == b.log_tail && a.full_log.text == b.full_log.text &&
         a.full_log.file == b.full_log.file;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest = fuzz::text(data, size);
  ProgramResult p;
  p.name = std::string(take(rest));
  p.section = std::string(take(rest));
  const std::string log(rest);
  p.error = log;
  for (size_t start = 0; start <= log.size();) {
    const size_t nl = std::min(log.find('\n', start), log.size());
    p.log_tail.push_back(log.substr(start, nl - start));
    start = nl + 1;
  }
  p.full_log.reason = FullLogReason::Rejected;
  p.full_log.text = log;
  p.full_log.file = p.name;
  ObjectResult o;
  o.name = p.name + ".bpf.o";
  o.programs.push_back(p);

  AgentReport r;
  r.kernel_release = p.section;
  r.objects.push_back(o);
  // The guest's way: records on the results port.
  auto stream = parse_guest_stream(encode_report(r));
  fuzz::require(stream.ok() && stream->finished && stream->damaged.empty(),
                "an encoded report reads back whole");
  fuzz::require(stream->report.objects.size() == 1 && stream->report.objects[0].name == o.name,
                "the object's name comes back exactly");
  fuzz::require(stream->report.objects[0].programs.size() == 1 &&
                    same(stream->report.objects[0].programs[0], p),
                "name, section and log come back exactly from the stream");
  fuzz::require(stream->report.kernel_release == r.kernel_release, "release comes back");

  // The host's way: results.json.
  RunResults run;
  KernelResult k;
  k.name = "fuzz";
  k.objects.push_back(o);
  k.console_tail = p.log_tail;
  run.kernels.push_back(k);
  auto back = parse_results(dump_json(nlohmann::json(run), 2), "fuzz");
  fuzz::require(back.ok(), "results.json with any bytes reads back");
  const KernelResult& bk = back->kernels.at(0);
  fuzz::require(bk.console_tail == k.console_tail, "console lines come back exactly");
  fuzz::require(bk.objects.at(0).name == o.name && same(bk.objects[0].programs.at(0), p),
                "name, section and log come back exactly from results.json");
  // And the display forms are always text.
  fuzz::require(is_utf8(display_text(log)) && is_utf8(terminal_text(log)),
                "display forms are UTF-8");
  return 0;
}
