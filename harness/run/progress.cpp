// SPDX-License-Identifier: BSD-2-Clause
#include "run/progress.h"

#include "results/byte_text.h"

#include <cstdlib>
#include <unistd.h>

namespace vmtest {

void PlainProgress::kernel(const std::string& name, const std::string& state) {
  std::lock_guard lock(mu_);
  // States and notes quote object names and errors: their control bytes are escaped.
  std::fprintf(out_, "vmtest: %s: %s\n", terminal_text(name).c_str(), terminal_text(state).c_str());
  std::fflush(out_);
}

void PlainProgress::note(const std::string& line) {
  std::lock_guard lock(mu_);
  std::fprintf(out_, "vmtest: %s\n", terminal_text(line).c_str());
  std::fflush(out_);
}

void TerminalProgress::set_kernels(const std::vector<std::string>& names) {
  std::lock_guard lock(mu_);
  order_ = names;
  for (const auto& n : names) {
    state_[n] = "waiting";
    since_[n] = std::chrono::steady_clock::now();
  }
  redraw();
}

void TerminalProgress::kernel(const std::string& name, const std::string& state) {
  std::lock_guard lock(mu_);
  if (!state_.count(name)) order_.push_back(name);
  state_[name] = state;
  since_[name] = std::chrono::steady_clock::now();
  redraw();
}

void TerminalProgress::note(const std::string& line) {
  std::lock_guard lock(mu_);
  // Print the note above the live block, then draw the block again below it.
  if (drawn_ > 0) std::fprintf(out_, "\033[%zuA\033[J", drawn_);
  drawn_ = 0;
  std::fprintf(out_, "%s\n", terminal_text(line).c_str());
  redraw();
}

void TerminalProgress::finish() {
  std::lock_guard lock(mu_);
  drawn_ = 0;
}

void TerminalProgress::redraw() {
  if (drawn_ > 0) std::fprintf(out_, "\033[%zuA", drawn_);
  for (const auto& n : order_)
    std::fprintf(out_, "\033[2K  %-8s %s\n", terminal_text(n).c_str(),
                 terminal_text(state_[n]).c_str());
  drawn_ = order_.size();
  std::fflush(out_);
}

std::unique_ptr<Progress> make_progress(std::FILE* out) {
  const char* ci = std::getenv("CI");
  bool in_ci = ci && *ci && std::string(ci) != "false" && std::string(ci) != "0";
  if (!in_ci && isatty(fileno(out))) return std::make_unique<TerminalProgress>(out);
  return std::make_unique<PlainProgress>(out);
}

}  // namespace vmtest
