// SPDX-License-Identifier: BSD-2-Clause
#include "agent/full_log.h"

#include "verifier/line_cost.h"

namespace vmtest {

bool cap_log(std::string& text, uint64_t cap) {
  if (text.size() <= cap) return false;
  size_t start = text.size() - cap;
  // Start at a whole line so tools reading the file line by line see no fragment.
  const size_t nl = text.find('\n', start);
  start = nl == std::string::npos ? text.size() : nl + 1;
  text.erase(0, start);
  return true;
}

void collect_full_logs(const ManifestObject& object, const std::vector<ProgramInfo>& programs,
                       const FullLogPlan& plan,
                       const std::map<std::string, ProgramExpectation>* baseline,
                       const LoadOptions& opts, std::vector<ProgramResult>& results) {
  for (size_t i = 0; i < results.size() && i < programs.size(); ++i) {
    ProgramResult& r = results[i];
    // At level 1 the verifier drops the log of every path it verified, so an accepted
    // program's level 1 log is its summary alone: only level 2 shows the walk (and gives the
    // lines their cost), which is why veristat -S defaults to it too. A rejection's level 1
    // log is the path that failed, which is what explains it.
    const unsigned level = plan.level == 2 || r.verdict == Verdict::Accepted ? 2u : 1u;
    const ProgramExpectation* base = nullptr;
    if (baseline) {
      auto it = baseline->find(object.name + "/" + r.name);
      if (it != baseline->end()) base = &it->second;
    }
    const FullLogReason reason = full_log_reason(r, base, plan.change, plan.headroom, plan.all);
    if (reason == FullLogReason::None && !plan.line_costs_all) {
      r.full_log = {};
      continue;
    }
    // The loader's log of a rejection serves unless a level 2 log was asked for: it is all
    // a level 1 load would print, even when that is nothing.
    FullLog log = std::move(r.full_log);
    const bool loader_kept = r.verdict == Verdict::Rejected && level == 1;
    if (!loader_kept) {
      CapturedLog captured = capture_log(object.path, programs[i], level, opts,
                                         r.metrics[Metric::InsnsProcessed].value_or(0));
      log.text = std::move(captured.text);
      log.level = static_cast<int>(level);
      log.capped = captured.capped;
    }
    r.line_costs = top_line_costs(line_costs(log.text), plan.top_lines);
    if (reason == FullLogReason::None || log.text.empty()) {
      // Line costs were all that was asked for, or the kernel printed nothing to keep.
      r.full_log = {};
      continue;
    }
    log.reason = reason;
    log.bytes = log.text.size();
    if (cap_log(log.text, plan.cap_bytes)) log.capped = true;
    r.full_log = std::move(log);
  }
}

} // namespace vmtest
