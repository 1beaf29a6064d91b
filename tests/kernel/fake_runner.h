// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// A CommandRunner that runs nothing: it records each command and answers through a handler,
// so tests can play apt (write a .deb into the cwd, fail, report "not found") and then assert
// exactly which commands the code under test issued.
#include "core/process.h"

#include <functional>
#include <string>
#include <vector>

namespace vmtest::testing {

class FakeRunner : public CommandRunner {
public:
  using Handler = std::function<ExitStatus(const Command&)>;
  explicit FakeRunner(Handler h) : handler_(std::move(h)) {}

  Result<std::unique_ptr<Process>> start(const Command& cmd) override {
    commands.push_back(cmd);
    return std::unique_ptr<Process>(new Done(handler_(cmd)));
  }

  // "apt-get update", "apt-cache show", "apt-get download" - argv[0] plus the first
  // argument that is neither an option nor an option's value.
  std::vector<std::string> verbs() const {
    std::vector<std::string> out;
    for (const auto& c : commands) {
      std::string v = c.argv[0];
      for (size_t i = 1; i < c.argv.size(); ++i) {
        if (c.argv[i] == "-o") {
          ++i;
          continue;
        }
        if (c.argv[i].rfind("-", 0) == 0) continue;
        v += " " + c.argv[i];
        break;
      }
      out.push_back(v);
    }
    return out;
  }

  std::vector<Command> commands;

private:
  struct Done : Process {
    explicit Done(ExitStatus s) : s_(std::move(s)) {}
    std::optional<ExitStatus> poll() override { return s_; }
    ExitStatus wait(std::chrono::milliseconds) override { return s_; }
    void kill() override {}
    ExitStatus s_;
  };
  Handler handler_;
};

inline ExitStatus exited(int code, std::string output = {}) {
  ExitStatus s;
  s.exit_code = code;
  s.output = std::move(output);
  return s;
}

} // namespace vmtest::testing
