// SPDX-License-Identifier: BSD-2-Clause
#include "gate/verdict_json.h"

#include "gate/gate_text.h"
#include "results/byte_text.h"

namespace vmtest {

nlohmann::json verdict_to_json(const GateVerdict& v) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& l : findings_at_least(v, Severity::INFO)) {
    nlohmann::json f{{"severity", severity_name(l.finding->severity)},
                     {"kind", finding_name(l.finding->kind)},
                     {"message", l.finding->message}};
    if (l.kernel) f["kernel"] = l.kernel->kernel;
    if (l.program) {
      // Names are bytes: escaped beside a marker when not UTF-8 (docs/results-schema.md).
      put_bytes(f, "object", l.program->object);
      put_bytes(f, "program", l.program->program);
      if (!l.program->policy_reason.empty()) f["policy_reason"] = l.program->policy_reason;
    }
    findings.push_back(std::move(f));
  }
  return {{"outcome", outcome_name(v.outcome)},    {"exit_code", v.exit_code},
          {"severity", severity_name(v.severity)}, {"compared", v.compared},
          {"headline", verdict_headline(v)},       {"findings", std::move(findings)}};
}

} // namespace vmtest
