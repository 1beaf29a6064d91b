// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Fakes for the VM stage: a clock that only moves when someone sleeps, and a CommandRunner
// whose "qemu" writes scripted console/results text to the -serial files at scripted times.
#include "core/process.h"
#include "vm/clock.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vmtest::testing {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

class FakeClock : public Clock {
public:
  time_point now() override { return time_point{} + milliseconds{ms_.load()}; }
  void sleep_for(milliseconds d) override { ms_ += d.count(); }
  milliseconds elapsed() const { return milliseconds{ms_.load()}; }

private:
  std::atomic<long long> ms_{1'000'000};
};

// What one fake qemu does, in fake-clock time since it started.
struct FakeVm {
  std::vector<std::pair<milliseconds, std::string>> console; // appended to ttyS0's file
  std::vector<std::pair<milliseconds, std::string>> results; // appended to ttyS1's file
  std::optional<milliseconds> exit_at;                       // never exits when empty
  int exit_code = 0;
  std::string output;  // qemu's own stdout/stderr
  int exit_signal = 0; // qemu dies of this signal at exit_at (someone else's kill, a crash)
};

struct FakeStats {
  std::mutex mu;
  std::vector<std::vector<std::string>> commands;
  int active = 0;
  int max_active = 0;
  int killed = 0;
};

class FakeQemu : public Process {
public:
  FakeQemu(FakeClock& clock, FakeVm vm, std::vector<std::string> serial_files, FakeStats& stats)
      : clock_(clock), vm_(std::move(vm)), files_(std::move(serial_files)), stats_(stats),
        start_(clock.now()) {}
  ~FakeQemu() override {
    if (!status_) end(ExitStatus{.exit_code = -1, .term_signal = 9});
  }

  std::optional<ExitStatus> poll() override {
    if (status_) return status_;
    auto t = std::chrono::duration_cast<milliseconds>(clock_.now() - start_);
    write_due(vm_.console, next_console_, 0, t);
    write_due(vm_.results, next_results_, 1, t);
    if (vm_.exit_at && t >= *vm_.exit_at)
      end(ExitStatus{.exit_code = vm_.exit_signal ? -1 : vm_.exit_code,
                     .term_signal = vm_.exit_signal,
                     .output = vm_.output});
    return status_;
  }
  ExitStatus wait(milliseconds timeout) override {
    auto t0 = clock_.now();
    while (!poll()) {
      if (timeout.count() > 0 && clock_.now() - t0 >= timeout) {
        kill();
        status_->timed_out = true;
        break;
      }
      if (!vm_.exit_at) kill(); // would wait forever otherwise
      clock_.sleep_for(10ms);
    }
    return *status_;
  }
  void kill() override {
    if (status_) return;
    {
      std::lock_guard lock(stats_.mu);
      ++stats_.killed;
    }
    end(ExitStatus{.exit_code = -1, .term_signal = 9});
  }

private:
  void write_due(const std::vector<std::pair<milliseconds, std::string>>& items, std::size_t& next,
                 std::size_t file, milliseconds t) {
    for (; next < items.size() && items[next].first <= t; ++next) {
      if (file >= files_.size()) continue;
      std::ofstream(files_[file], std::ios::app | std::ios::binary) << items[next].second;
    }
  }
  void end(ExitStatus st) {
    status_ = std::move(st);
    std::lock_guard lock(stats_.mu);
    --stats_.active;
  }

  FakeClock& clock_;
  FakeVm vm_;
  std::vector<std::string> files_;
  FakeStats& stats_;
  Clock::time_point start_;
  std::size_t next_console_ = 0, next_results_ = 0;
  std::optional<ExitStatus> status_;
};

class FakeQemuRunner : public CommandRunner {
public:
  explicit FakeQemuRunner(FakeClock& clock) : clock_(clock) {}

  std::function<FakeVm(const std::vector<std::string>& argv)> script =
      [](const std::vector<std::string>&) { return FakeVm{.exit_at = 1s}; };
  std::string version = "QEMU emulator version 7.2.22 (fake)\n";
  bool fail_start = false;
  FakeStats stats;

  Result<std::unique_ptr<Process>> start(const Command& cmd) override {
    {
      std::lock_guard lock(stats.mu);
      stats.commands.push_back(cmd.argv);
    }
    if (fail_start) return Error{"fork failed", cmd.argv.at(0), 11};
    FakeVm vm;
    std::vector<std::string> files;
    if (std::find(cmd.argv.begin(), cmd.argv.end(), "--version") != cmd.argv.end()) {
      vm = FakeVm{.exit_at = 0ms, .output = version};
    } else {
      vm = script(cmd.argv);
      for (std::size_t i = 0; i + 1 < cmd.argv.size(); ++i)
        if (cmd.argv[i] == "-serial" && cmd.argv[i + 1].rfind("file:", 0) == 0)
          files.push_back(cmd.argv[i + 1].substr(5));
    }
    {
      std::lock_guard lock(stats.mu);
      stats.max_active = std::max(stats.max_active, ++stats.active);
    }
    return std::unique_ptr<Process>(new FakeQemu(clock_, std::move(vm), std::move(files), stats));
  }

  // qemu boots only: --version queries left out.
  std::vector<std::vector<std::string>> boots() {
    std::lock_guard lock(stats.mu);
    std::vector<std::vector<std::string>> out;
    for (auto& c : stats.commands)
      if (std::find(c.begin(), c.end(), "--version") == c.end()) out.push_back(c);
    return out;
  }

private:
  FakeClock& clock_;
};

inline bool has_pair(const std::vector<std::string>& argv, const std::string& a,
                     const std::string& b) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == a && argv[i + 1] == b) return true;
  return false;
}

} // namespace vmtest::testing
