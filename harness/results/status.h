// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The closed sets of words that cross stage boundaries: a program's verdict, a test_run's
// status, a kernel's status and how a verifier log was cut. Each is an enum with one table that
// maps it to the string results.json and the baselines have always used, so committed files
// read unchanged and an unknown word is an error that names itself, never a silent default.
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest {

enum class Verdict { Accepted, Rejected };

enum class TestRunStatus {
  Ok,          // BPF_PROG_TEST_RUN ran
  NotRunnable, // the kernel has no test_run for this program type: an outcome, not an error
  Error,       // supported, but the call failed (errno says why)
  Skipped,     // the program was not loaded, so there was nothing to run
};

enum class KernelStatus {
  Ok,         // the guest reported verdicts
  Skipped,    // the row's image source is not available here (default runs only)
  Error,      // fetch, setup or agent failure before any verdict
  BootFailed, // qemu or the kernel gave up before the agent ran
  Timeout,    // the guest did not finish in time
  Panic,      // the kernel panicked or oopsed fatally
  NoResults,  // the guest finished but its report was missing or unreadable
  Killed,     // qemu was ended by a signal from outside (SIGKILL, SIGTERM, ...): not our kill
  Crashed,    // qemu itself died of a fault signal (SIGSEGV, SIGABRT, ...)
  // vmtest itself was cancelled (SIGINT, SIGTERM, SIGHUP) before this kernel finished; it may
  // have verdicts for the objects it reached.
  Interrupted,
};

// How much of a verifier log was lost: nothing, its head (the tail we diff is intact) or its
// tail (even the largest buffer overflowed on a kernel that keeps the head).
enum class LogTruncation { None, Head, Tail };

const char* to_string(Verdict v);
const char* to_string(TestRunStatus s);
const char* to_string(KernelStatus s);
const char* to_string(LogTruncation t);

std::optional<Verdict> parse_verdict(std::string_view s);
std::optional<TestRunStatus> parse_test_run_status(std::string_view s);
std::optional<KernelStatus> parse_kernel_status(std::string_view s);
std::optional<LogTruncation> parse_log_truncation(std::string_view s);

// A kernel that was meant to run but produced no verdicts (skipped rows were never meant to).
inline bool is_failure(KernelStatus s) {
  return s != KernelStatus::Ok && s != KernelStatus::Skipped;
}

// For messages and test output.
std::ostream& operator<<(std::ostream& os, Verdict v);
std::ostream& operator<<(std::ostream& os, TestRunStatus s);
std::ostream& operator<<(std::ostream& os, KernelStatus s);
std::ostream& operator<<(std::ostream& os, LogTruncation t);

// JSON uses the strings above; reading an unknown one throws nlohmann::json::other_error.
void to_json(nlohmann::json& j, Verdict v);
void from_json(const nlohmann::json& j, Verdict& v);
void to_json(nlohmann::json& j, TestRunStatus s);
void from_json(const nlohmann::json& j, TestRunStatus& s);
void to_json(nlohmann::json& j, KernelStatus s);
void from_json(const nlohmann::json& j, KernelStatus& s);
void to_json(nlohmann::json& j, LogTruncation t);
void from_json(const nlohmann::json& j, LogTruncation& t);

} // namespace vmtest
