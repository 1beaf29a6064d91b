// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Progress per kernel. On a terminal one live line per kernel is redrawn in place; in CI
// (or when output is piped) every state change is a plain, greppable line.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vmtest {

class Progress {
 public:
  virtual ~Progress() = default;
  virtual void set_kernels(const std::vector<std::string>& names) = 0;
  // A state change for one kernel, e.g. "fetching", "booting (tcg)", "ok 27 programs".
  virtual void kernel(const std::string& name, const std::string& state) = 0;
  // A message that is not about one kernel's state (a warning, the accelerator line).
  virtual void note(const std::string& line) = 0;
  virtual void finish() = 0;
};

class PlainProgress : public Progress {
 public:
  explicit PlainProgress(std::FILE* out) : out_(out) {}
  void set_kernels(const std::vector<std::string>&) override {}
  void kernel(const std::string& name, const std::string& state) override;
  void note(const std::string& line) override;
  void finish() override {}

 private:
  std::mutex mu_;
  std::FILE* out_;
};

class TerminalProgress : public Progress {
 public:
  explicit TerminalProgress(std::FILE* out) : out_(out) {}
  void set_kernels(const std::vector<std::string>& names) override;
  void kernel(const std::string& name, const std::string& state) override;
  void note(const std::string& line) override;
  void finish() override;

 private:
  void redraw();
  std::mutex mu_;
  std::FILE* out_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> state_;
  std::map<std::string, std::chrono::steady_clock::time_point> since_;
  size_t drawn_ = 0;
};

// Terminal progress when `out` is a TTY and CI is not set; plain lines otherwise.
std::unique_ptr<Progress> make_progress(std::FILE* out);

}  // namespace vmtest
