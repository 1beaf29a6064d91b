// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "run/log_files.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

TEST(LogFiles, PathsAreRelativeAndHarmless) {
  EXPECT_EQ(full_log_path("6.1", "parser.bpf.o", "xdp_parse"),
            "logs/6.1/parser.bpf.o/xdp_parse.log");
  EXPECT_EQ(full_log_path("6.1", "sub/dir/x.bpf.o", "p"), "logs/6.1/sub/dir/x.bpf.o/p.log");
  EXPECT_EQ(full_log_path("..", "../x.o", "p"), "logs/_../_../x.o/p.log");
  EXPECT_EQ(full_log_path("6.1", "a//b.o", "p"), "logs/6.1/a/_/b.o/p.log");
}

TEST(LogFiles, WritesTheExactTextAndKeepsOnlyItsPath) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "logs-");
  KernelResult kr;
  kr.name = "6.1";
  ObjectResult o;
  o.name = "loop.bpf.o";
  ProgramResult rejected, quiet;
  rejected.name = "xdp_loop";
  // No trailing newline, a NUL-free but odd byte: the file must hold exactly these bytes.
  const std::string text = "0: (b7) r0 = 0\n\tR1 invalid mem access 'scalar'\nprocessed 1 insns";
  rejected.full_log.reason = FullLogReason::Rejected;
  rejected.full_log.text = text;
  quiet.name = "quiet";
  o.programs = {rejected, quiet};
  kr.objects = {o};
  // A file from an earlier run in the same folder goes.
  ASSERT_TRUE(write_file_atomic(dir / "logs/6.1/old.bpf.o/gone.log", "old").ok());

  auto problems = write_full_logs(dir, kr);
  EXPECT_TRUE(problems.empty());
  const ProgramResult& p = kr.objects[0].programs[0];
  EXPECT_EQ(p.full_log.file, "logs/6.1/loop.bpf.o/xdp_loop.log");
  EXPECT_TRUE(p.full_log.text.empty());
  EXPECT_EQ(*read_file(dir / p.full_log.file), text);
  EXPECT_TRUE(kr.objects[0].programs[1].full_log.file.empty());
  EXPECT_FALSE(fs::exists(dir / "logs/6.1/loop.bpf.o/quiet.log"));
  EXPECT_FALSE(fs::exists(dir / "logs/6.1/old.bpf.o/gone.log"));
  fs::remove_all(dir);
}

TEST(LogFiles, AFileThatCannotBeWrittenIsNamed) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "logs-");
  // "logs" is a file, so nothing can go under it.
  ASSERT_TRUE(write_file_atomic(dir / "logs", "in the way").ok());
  KernelResult kr;
  kr.name = "6.1";
  ObjectResult o;
  o.name = "x.bpf.o";
  ProgramResult p;
  p.name = "prog";
  p.full_log.reason = FullLogReason::Rejected;
  p.full_log.text = "log";
  o.programs = {p};
  kr.objects = {o};
  auto problems = write_full_logs(dir, kr);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("x.bpf.o/prog"), std::string::npos) << problems[0];
  EXPECT_TRUE(kr.objects[0].programs[0].full_log.file.empty());
  fs::remove_all(dir);
}

} // namespace vmtest
