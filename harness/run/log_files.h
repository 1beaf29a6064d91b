// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Full verifier logs as files: OUT/logs/<kernel>/<object>/<program>.log, each exactly the bytes
// the kernel printed (or their last part, when the cap cut it; results.json says so), so bpfvv
// and other log tools read them as they are. The guest sends the text inside its report; this
// moves it out, leaving only the file's path and facts in results.json.
#include "results/results.h"

#include <filesystem>
#include <string>
#include <vector>

namespace vmtest {

// "logs/6.1/parser.bpf.o/xdp_parse.log": relative to the output folder, '/'-separated, with
// any ".." or empty component of an object's path made harmless.
std::string full_log_path(const std::string& kernel, const std::string& object,
                          const std::string& program);

// Writes every program's FullLog::text of `kr` under `out_dir`, sets FullLog::file and clears
// the text. Replaces what an earlier run left in OUT/logs/<kernel>. Returns one message per
// file that could not be written (the run goes on; those programs simply have no file).
std::vector<std::string> write_full_logs(const std::filesystem::path& out_dir, KernelResult& kr);

} // namespace vmtest
