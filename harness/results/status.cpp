// SPDX-License-Identifier: BSD-2-Clause
#include "results/status.h"

#include <array>
#include <nlohmann/json.hpp>
#include <ostream>
#include <utility>

namespace vmtest {
namespace {

template <typename E, size_t N> using Table = std::array<std::pair<E, const char*>, N>;

constexpr Table<Verdict, 2> kVerdicts{
    {{Verdict::Accepted, "accepted"}, {Verdict::Rejected, "rejected"}}};
constexpr Table<TestRunStatus, 4> kTestRunStatuses{{{TestRunStatus::Ok, "ok"},
                                                    {TestRunStatus::NotRunnable, "not_runnable"},
                                                    {TestRunStatus::Error, "error"},
                                                    {TestRunStatus::Skipped, "skipped"}}};
constexpr Table<KernelStatus, 10> kKernelStatuses{{{KernelStatus::Ok, "ok"},
                                                  {KernelStatus::Skipped, "skipped"},
                                                  {KernelStatus::Error, "error"},
                                                  {KernelStatus::BootFailed, "boot_failed"},
                                                  {KernelStatus::Timeout, "timeout"},
                                                  {KernelStatus::Panic, "panic"},
                                                  {KernelStatus::NoResults, "no_results"},
                                                  {KernelStatus::Killed, "killed"},
                                                  {KernelStatus::Crashed, "crashed"},
                                                  {KernelStatus::Interrupted, "interrupted"}}};
constexpr Table<LogTruncation, 3> kTruncations{
    {{LogTruncation::None, ""}, {LogTruncation::Head, "head"}, {LogTruncation::Tail, "tail"}}};

template <typename E, size_t N> const char* name_in(const Table<E, N>& t, E e) {
  for (const auto& [v, s] : t)
    if (v == e) return s;
  return "?";
}

template <typename E, size_t N>
std::optional<E> parse_in(const Table<E, N>& t, std::string_view s) {
  for (const auto& [v, name] : t)
    if (s == name) return v;
  return std::nullopt;
}

template <typename E, size_t N>
void read_json(const Table<E, N>& t, const nlohmann::json& j, E& out, const char* what) {
  if (!j.is_string())
    throw nlohmann::json::other_error::create(501, std::string(what) + " must be a string", &j);
  auto v = parse_in(t, j.get_ref<const std::string&>());
  if (!v) {
    std::string choices;
    for (const auto& [e, name] : t)
      choices += (choices.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    throw nlohmann::json::other_error::create(
        501, std::string("unknown ") + what + " " + j.dump() + " (expected one of " + choices + ")",
        &j);
  }
  out = *v;
}

} // namespace

const char* to_string(Verdict v) {
  return name_in(kVerdicts, v);
}
const char* to_string(TestRunStatus s) {
  return name_in(kTestRunStatuses, s);
}
const char* to_string(KernelStatus s) {
  return name_in(kKernelStatuses, s);
}
const char* to_string(LogTruncation t) {
  return name_in(kTruncations, t);
}

std::optional<Verdict> parse_verdict(std::string_view s) {
  return parse_in(kVerdicts, s);
}
std::optional<TestRunStatus> parse_test_run_status(std::string_view s) {
  return parse_in(kTestRunStatuses, s);
}
std::optional<KernelStatus> parse_kernel_status(std::string_view s) {
  return parse_in(kKernelStatuses, s);
}
std::optional<LogTruncation> parse_log_truncation(std::string_view s) {
  return parse_in(kTruncations, s);
}

std::ostream& operator<<(std::ostream& os, Verdict v) {
  return os << to_string(v);
}
std::ostream& operator<<(std::ostream& os, TestRunStatus s) {
  return os << to_string(s);
}
std::ostream& operator<<(std::ostream& os, KernelStatus s) {
  return os << to_string(s);
}
std::ostream& operator<<(std::ostream& os, LogTruncation t) {
  return os << to_string(t);
}

void to_json(nlohmann::json& j, Verdict v) {
  j = to_string(v);
}
void from_json(const nlohmann::json& j, Verdict& v) {
  read_json(kVerdicts, j, v, "verdict");
}
void to_json(nlohmann::json& j, TestRunStatus s) {
  j = to_string(s);
}
void from_json(const nlohmann::json& j, TestRunStatus& s) {
  read_json(kTestRunStatuses, j, s, "test_run status");
}
void to_json(nlohmann::json& j, KernelStatus s) {
  j = to_string(s);
}
void from_json(const nlohmann::json& j, KernelStatus& s) {
  read_json(kKernelStatuses, j, s, "kernel status");
}
void to_json(nlohmann::json& j, LogTruncation t) {
  j = to_string(t);
}
void from_json(const nlohmann::json& j, LogTruncation& t) {
  read_json(kTruncations, j, t, "log_truncated");
}

} // namespace vmtest
