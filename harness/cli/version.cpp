// SPDX-License-Identifier: BSD-2-Clause
#include "cli/version.h"

#include <chrono>

#ifndef VMTEST_VERSION
#define VMTEST_VERSION "dev"
#endif
#ifndef LIBBPF_HOST_VERSION
#define LIBBPF_HOST_VERSION "unknown"
#endif

namespace vmtest {
namespace {

// The first line `argv --version` prints, or "" when it cannot be run.
std::string first_line_of(CommandRunner& runner, const std::filesystem::path& tool) {
  std::error_code ec;
  if (!std::filesystem::exists(tool, ec)) return {};
  Command cmd;
  cmd.argv = {tool.string(), "--version"};
  auto st = runner.run(cmd, std::chrono::seconds{10});
  if (!st || !st->success()) return {};
  return st->output.substr(0, st->output.find('\n'));
}

// "bpftool v7.5.0" -> "7.5.0"; "vmtest-guest libbpf 1.4.6" -> "1.4.6": the last word, minus a
// leading v.
std::string last_word(const std::string& line) {
  std::string word = line.substr(line.find_last_of(' ') + 1);
  if (!word.empty() && word[0] == 'v') word.erase(0, 1);
  return word;
}

} // namespace

std::string vmtest_version() { return VMTEST_VERSION; }

std::string version_text(CommandRunner& runner, const std::filesystem::path& agent,
                         const std::filesystem::path& bpftool) {
  std::string out = "vmtest " + vmtest_version() + "\n";
  std::string agent_line = first_line_of(runner, agent);
  out += agent_line.empty() ? std::string("libbpf ") + LIBBPF_HOST_VERSION +
                                  " (built against; no agent at " + agent.string() + ")\n"
                            : "libbpf " + last_word(agent_line) + " (in " + agent.string() + ")\n";
  std::string bpftool_line = first_line_of(runner, bpftool);
  out += bpftool_line.empty() ? "bpftool not found at " + bpftool.string() + "\n"
                              : "bpftool " + last_word(bpftool_line) + " (" + bpftool.string() +
                                    ", run in each guest for the capability probe)\n";
  return out;
}

} // namespace vmtest
