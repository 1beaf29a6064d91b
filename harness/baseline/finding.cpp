// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/finding.h"

#include <array>

namespace vmtest {
namespace {

struct KindDef {
  FindingKind kind;
  const char* name;
};

constexpr std::array kKinds{
    KindDef{FindingKind::Unchanged, "unchanged"},
    KindDef{FindingKind::Regression, "regression"},
    KindDef{FindingKind::Improved, "improved"},
    KindDef{FindingKind::ExpectedFail, "expected-fail"},
    KindDef{FindingKind::UnexpectedPass, "unexpected-pass"},
    KindDef{FindingKind::ErrnoChanged, "errno-changed"},
    KindDef{FindingKind::TestRunChanged, "test-run-changed"},
    KindDef{FindingKind::TestRunExpectation, "test-run-expectation"},
    KindDef{FindingKind::StatsMoved, "stats-moved"},
    KindDef{FindingKind::Headroom, "headroom"},
    KindDef{FindingKind::LogChanged, "log-changed"},
    KindDef{FindingKind::NewProgram, "new"},
    KindDef{FindingKind::RemovedProgram, "removed"},
    KindDef{FindingKind::NotVerified, "not-verified"},
    KindDef{FindingKind::ObjectChanged, "object-changed"},
    KindDef{FindingKind::ObjectError, "object-error"},
    KindDef{FindingKind::Ignored, "ignored"},
    KindDef{FindingKind::KernelChanged, "kernel-changed"},
    KindDef{FindingKind::ToolchainChanged, "toolchain-changed"},
    KindDef{FindingKind::KernelMissing, "kernel-missing"},
    KindDef{FindingKind::KernelFailed, "kernel-failed"},
    KindDef{FindingKind::KernelSkipped, "kernel-skipped"},
    KindDef{FindingKind::NoBaseline, "no-baseline"},
    KindDef{FindingKind::CapabilityChanged, "capability-changed"},
    KindDef{FindingKind::Canary, "canary"},
    KindDef{FindingKind::EmptyCorpus, "empty-corpus"},
    KindDef{FindingKind::NoKernel, "no-kernel"},
    KindDef{FindingKind::NotCompared, "not-compared"},
    KindDef{FindingKind::BadInput, "input-error"},
    KindDef{FindingKind::OutputError, "output-error"},
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
