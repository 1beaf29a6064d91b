// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Helpers for the end-to-end layer: it runs the real `vmtest` binary, which boots real
// Debian kernels in qemu with the real agent, and reads back results.json.
#include "test_paths.h"
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/process.h"
#include "results/results.h"

namespace vmtest::e2e {

inline std::filesystem::path vmtest_bin() { return VMTEST_BINARY_DIR "/harness/vmtest"; }
inline std::filesystem::path source_dir() { return VMTEST_SOURCE_DIR; }

struct CliRun {
  int exit_code = -1;
  std::string output;
  RunResults results;
  bool has_results = false;
};

inline CliRun run_vmtest(std::vector<std::string> args, const std::filesystem::path& out_dir,
                         std::chrono::seconds timeout = std::chrono::seconds{600}) {
  // The checkout's vmtest.yaml names its corpus as ${VMTEST_BUILD_DIR:-build}/bpf/corpus.
  setenv("VMTEST_BUILD_DIR", VMTEST_BINARY_DIR, 1);
  SubprocessRunner runner;
  Command cmd;
  cmd.argv = {vmtest_bin().string()};
  cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
  cmd.cwd = source_dir();
  auto st = runner.run(cmd, std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  CliRun r;
  if (!st) {
    ADD_FAILURE() << st.error().str();
    return r;
  }
  r.exit_code = st->timed_out ? -1 : st->exit_code;
  r.output = st->output;
  auto text = read_file(out_dir / "results.json");
  if (text) {
    r.results = nlohmann::json::parse(*text).get<RunResults>();
    r.has_results = true;
  }
  return r;
}

// Sets (or, with nullopt, unsets) one environment variable for the child processes of one
// scope, and restores what was there before.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A registry address nothing listens on: connects are refused at once, on every machine.
inline const char* kDeadRegistry = "http://127.0.0.1:1";

inline const ProgramResult* find_program(const KernelResult& k, const std::string& object,
                                         const std::string& program) {
  for (const auto& o : k.objects)
    if (o.name == object)
      for (const auto& p : o.programs)
        if (p.name == program) return &p;
  return nullptr;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace vmtest::e2e
