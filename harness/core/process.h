// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// External commands (qemu, apt-get, the host-mode agent) run behind this small interface so
// controller logic can be tested with a fake, the way ninja's CommandRunner is.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace vmtest {

struct Command {
  std::vector<std::string> argv;
  std::filesystem::path cwd;          // empty: inherit
  std::filesystem::path stdout_path;  // empty: capture into ExitStatus::output
  bool merge_stderr = true;           // stderr goes where stdout goes
};

struct ExitStatus {
  int exit_code = -1;   // valid when term_signal == 0
  int term_signal = 0;  // signal that ended the process, 0 if it exited
  bool timed_out = false;
  std::string output;  // captured stdout(+stderr) when no stdout_path was given
  bool success() const { return term_signal == 0 && !timed_out && exit_code == 0; }
  std::string describe() const;
};

class Process {
 public:
  virtual ~Process() = default;
  // Non-blocking: the exit status once the process has ended.
  virtual std::optional<ExitStatus> poll() = 0;
  // Blocks until exit or until `timeout` passes (then kills it and sets timed_out).
  virtual ExitStatus wait(std::chrono::milliseconds timeout) = 0;
  virtual void kill() = 0;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  virtual Result<std::unique_ptr<Process>> start(const Command& cmd) = 0;

  // Start and wait; a zero timeout waits forever.
  Result<ExitStatus> run(const Command& cmd,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
};

// fork/exec based runner used outside tests.
class SubprocessRunner : public CommandRunner {
 public:
  Result<std::unique_ptr<Process>> start(const Command& cmd) override;
};

}  // namespace vmtest
