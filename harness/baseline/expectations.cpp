// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/expectations.h"

namespace vmtest {
namespace fs = std::filesystem;

std::map<std::string, ProgramExpectation> expectations_of(const Baseline& baseline) {
  std::map<std::string, ProgramExpectation> out;
  for (const auto& [object, o] : baseline.objects)
    for (const auto& [program, p] : o.programs)
      out[object + "/" + program] = {p.verdict, p.metrics.gated()};
  return out;
}

std::map<std::string, std::map<std::string, ProgramExpectation>>
expectations_from_dir(const fs::path& dir) {
  std::map<std::string, std::map<std::string, ProgramExpectation>> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".json") continue;
    auto b = load_baseline(it->path());
    if (b && !b->kernel.name.empty()) out[b->kernel.name] = expectations_of(*b);
  }
  return out;
}

ChangeThresholds change_thresholds(const Thresholds& t) {
  return t.change;
}

} // namespace vmtest
