// SPDX-License-Identifier: BSD-2-Clause
#include "core/process.h"

#include "core/fs.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace vmtest {
using namespace std::chrono_literals;

TEST(Process, CapturesOutputAndExitCode) {
  SubprocessRunner r;
  auto st = r.run({.argv = {"sh", "-c", "echo hello; echo err >&2; exit 3"}});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->exit_code, 3);
  EXPECT_FALSE(st->success());
  EXPECT_NE(st->output.find("hello"), std::string::npos);
  EXPECT_NE(st->output.find("err"), std::string::npos);
}

TEST(Process, TimeoutKillsTheChild) {
  SubprocessRunner r;
  auto t0 = std::chrono::steady_clock::now();
  auto st = r.run({.argv = {"sleep", "30"}}, 200ms);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->timed_out);
  EXPECT_EQ(st->describe(), "timed out");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(Process, MissingProgramExits127) {
  SubprocessRunner r;
  auto st = r.run({.argv = {"/nonexistent/program"}});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->exit_code, 127);
}

// Each child leads a process group of its own: a cancellation kills the group, and a terminal's
// Ctrl-C reaches vmtest alone.
TEST(Process, ChildLeadsItsOwnProcessGroup) {
  SubprocessRunner r;
  auto st = r.run({.argv = {"sh", "-c", "read pid comm state ppid pgrp rest < /proc/$$/stat; "
                                        "echo \"$pid $pgrp\""}});
  ASSERT_TRUE(st.ok());
  std::istringstream in(st->output);
  long pid = 0, pgrp = -1;
  in >> pid >> pgrp;
  EXPECT_EQ(pid, pgrp) << st->output;
  EXPECT_NE(pgrp, static_cast<long>(::getpgrp()));
}

// A vmtest killed with SIGKILL cannot stop its children: they go with it (PR_SET_PDEATHSIG).
TEST(Process, ChildDiesWhenItsParentIsKilled) {
  auto dir = make_temp_dir(std::filesystem::temp_directory_path(), "vmtest-pdeath-");
  ASSERT_TRUE(dir.ok());
  const auto pidfile = *dir / "pid";
  const pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    SubprocessRunner r;
    Command c;
    c.argv = {"sh", "-c", "echo $$ > " + pidfile.string() + "; exec sleep 60"};
    auto p = r.start(c);
    if (!p) ::_exit(1);
    ::pause(); // until the test kills this "vmtest"
    ::_exit(0);
  }
  pid_t child = -1;
  for (int i = 0; i < 250 && child <= 0; ++i) {
    std::this_thread::sleep_for(20ms);
    auto text = read_file(pidfile);
    if (text && !text->empty() && text->back() == '\n') child = std::stoi(*text);
  }
  ::kill(parent, SIGKILL);
  ::waitpid(parent, nullptr, 0);
  ASSERT_GT(child, 0) << "the child never started";
  bool gone = false;
  for (int i = 0; i < 250 && !gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string p, comm, state;
    gone = !(stat >> p >> comm >> state) || state == "Z";
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone) << "pid " << child << " outlived its parent";
  if (!gone) ::kill(child, SIGKILL);
  std::filesystem::remove_all(*dir);
}
}  // namespace vmtest
