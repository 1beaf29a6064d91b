// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "run/log_files.h"

#include <gtest/gtest.h>
#include <set>

namespace vmtest {
namespace fs = std::filesystem;

TEST(LogFiles, PathsAreRelativeAndHarmless) {
  EXPECT_EQ(full_log_path("6.1", "parser.bpf.o", "xdp_parse"),
            "logs/6.1/parser.bpf.o/xdp_parse.log");
  EXPECT_EQ(full_log_path("6.1", "sub/dir/x.bpf.o", "p"), "logs/6.1/sub/dir/x.bpf.o/p.log");
  // A component that had to change carries the start of its own sha256 (sha256("..") and
  // sha256("")), so it cannot land on the file of a name that was "_.." all along.
  EXPECT_EQ(full_log_path("..", "../x.o", "p"), "logs/_..-5ec1f7e7/_..-5ec1f7e7/x.o/p.log");
  EXPECT_EQ(full_log_path("6.1", "a//b.o", "p"), "logs/6.1/a/_-e3b0c442/b.o/p.log");
}

// Issue 24: programs col/x, col_x and col\x shared one file, which kept only the last log,
// while results.json linked all three to it; so did objects p\q.bpf.o and p_q.bpf.o.
TEST(LogFiles, NamesThatSanitiseAlikeKeepTheirOwnFiles) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "logs-");
  KernelResult kr;
  kr.name = "6.1";
  for (std::string object : {"p\\q.bpf.o", "p_q.bpf.o"}) {
    ObjectResult o;
    o.name = object;
    for (std::string program : {"col/x", "col_x", "col\\x", "col\x1b[2Jx", "caf\xe9"}) {
      ProgramResult p;
      p.name = program;
      p.full_log.reason = FullLogReason::Rejected;
      p.full_log.text = object + " " + program;
      o.programs.push_back(p);
    }
    kr.objects.push_back(o);
  }
  EXPECT_TRUE(write_full_logs(dir, kr).empty());
  std::set<std::string> files;
  for (const auto& o : kr.objects)
    for (const auto& p : o.programs) {
      ASSERT_FALSE(p.full_log.file.empty()) << o.name << "/" << p.name;
      EXPECT_TRUE(files.insert(p.full_log.file).second) << "shared: " << p.full_log.file;
      EXPECT_EQ(*read_file(dir / p.full_log.file), o.name + " " + p.name)
          << p.full_log.file << " holds another program's log";
      for (unsigned char c : p.full_log.file)
        EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "file names are printable ASCII: " << p.full_log.file;
    }
  EXPECT_EQ(files.size(), 10u);
  // The name that needed no change keeps its plain file.
  EXPECT_EQ(kr.objects[1].programs[1].full_log.file, "logs/6.1/p_q.bpf.o/col_x.log");
  fs::remove_all(dir);
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
