// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/finding.h"

#include <array>

namespace vmtest {
namespace {

struct KindDef {
  FindingKind kind;
  const char* name;
  const char* cell;
};

constexpr std::array kKinds{
    KindDef{FindingKind::Unchanged, "unchanged", nullptr},
    KindDef{FindingKind::Regression, "regression", "regressed"},
    KindDef{FindingKind::Improved, "improved", "improved"},
    KindDef{FindingKind::ExpectedFail, "expected-fail", "expected-fail"},
    KindDef{FindingKind::UnexpectedPass, "unexpected-pass", "unexpected-pass"},
    KindDef{FindingKind::ErrnoChanged, "errno-changed", "errno-changed"},
    KindDef{FindingKind::TestRunChanged, "test-run-changed", "test-run-changed"},
    KindDef{FindingKind::TestRunExpectation, "test-run-expectation", "test-run-failed"},
    KindDef{FindingKind::StatsMoved, "stats-moved", "stats-moved"},
    KindDef{FindingKind::Headroom, "headroom", "near-limit"},
    KindDef{FindingKind::LogChanged, "log-changed", "log-changed"},
    KindDef{FindingKind::NewProgram, "new", "new"},
    KindDef{FindingKind::RemovedProgram, "removed", "removed"},
    KindDef{FindingKind::NotVerified, "not-verified", "not-verified"},
    KindDef{FindingKind::ObjectChanged, "object-changed", nullptr},
    KindDef{FindingKind::ObjectError, "object-error", "object-error"},
    KindDef{FindingKind::Ignored, "ignored", "ignored"},
    KindDef{FindingKind::KernelChanged, "kernel-changed", nullptr},
    KindDef{FindingKind::ToolchainChanged, "toolchain-changed", nullptr},
    KindDef{FindingKind::KernelMissing, "kernel-missing", nullptr},
    KindDef{FindingKind::KernelFailed, "kernel-failed", nullptr},
    KindDef{FindingKind::KernelSkipped, "kernel-skipped", nullptr},
    KindDef{FindingKind::NoBaseline, "no-baseline", nullptr},
    KindDef{FindingKind::CapabilityChanged, "capability-changed", nullptr},
    KindDef{FindingKind::Canary, "canary", nullptr},
    KindDef{FindingKind::EmptyCorpus, "empty-corpus", nullptr},
    KindDef{FindingKind::NoKernel, "no-kernel", nullptr},
    KindDef{FindingKind::NotCompared, "not-compared", nullptr},
    KindDef{FindingKind::BadInput, "input-error", nullptr},
    KindDef{FindingKind::OutputError, "output-error", nullptr},
};

static_assert(
    [] {
      for (size_t i = 0; i < kKinds.size(); ++i)
        if (static_cast<size_t>(kKinds[i].kind) != i) return false;
      return kKinds.size() == static_cast<size_t>(FindingKind::OutputError) + 1;
    }(),
    "kKinds must list every FindingKind in declaration order");

} // namespace

const char* severity_name(Severity s) {
  switch (s) {
  case Severity::OK:
    return "OK";
  case Severity::INFO:
    return "INFO";
  case Severity::WARN:
    return "WARN";
  case Severity::ERROR:
    return "ERROR";
  case Severity::FAIL:
    return "FAIL";
  }
  return "?";
}

const char* finding_name(FindingKind k) {
  return kKinds[static_cast<size_t>(k)].name;
}
const char* cell_status(FindingKind k) {
  return kKinds[static_cast<size_t>(k)].cell;
}

std::string paint(Severity s, const std::string& text, bool color) {
  if (!color) return text;
  const char* code = "";
  switch (s) {
  case Severity::FAIL:
    code = "\x1b[31m";
    break;
  case Severity::ERROR:
    code = "\x1b[35m";
    break;
  case Severity::WARN:
    code = "\x1b[33m";
    break;
  case Severity::INFO:
    code = "\x1b[36m";
    break;
  case Severity::OK:
    code = "\x1b[32m";
    break;
  }
  return code + text + "\x1b[0m";
}

} // namespace vmtest
