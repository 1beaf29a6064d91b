// SPDX-License-Identifier: BSD-2-Clause
#include "core/process.h"

#include "core/fs.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
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
// Waiting blocks until the child exits: it does not wake every few milliseconds to ask. A poll
// loop (the old 10 ms sleep, or 20 ms waits on the pipe) costs the waiting thread a voluntary
// context switch per wake-up, about 30 over a 0.3 s child; a blocking wait costs one or two.
long voluntary_switches_of_this_thread() {
  rusage u{};
  ::getrusage(RUSAGE_THREAD, &u);
  return u.ru_nvcsw;
}

TEST(Process, WaitBlocksInsteadOfPolling) {
  auto dir = make_temp_dir(std::filesystem::temp_directory_path(), "vmtest-wait-");
  ASSERT_TRUE(dir.ok());
  SubprocessRunner r;
  for (bool to_file : {true, false}) {
    Command c;
    c.argv = {"sh", "-c", "sleep 0.3; echo done"};
    if (to_file) c.stdout_path = *dir / "out.log";
    const long before = voluntary_switches_of_this_thread();
    auto st = r.run(c, 30s);
    const long switches = voluntary_switches_of_this_thread() - before;
    ASSERT_TRUE(st.ok());
    EXPECT_TRUE(st->success());
    EXPECT_LT(switches, 10) << (to_file ? "output to a file" : "output to a pipe");
    if (to_file) {
      auto text = read_file(*dir / "out.log");
      ASSERT_TRUE(text.ok());
      EXPECT_EQ(*text, "done\n");
    } else
      EXPECT_EQ(st->output, "done\n");
  }
  std::filesystem::remove_all(*dir);
}

// A child that closes its output and goes on running is still waited for, and its end noticed.
TEST(Process, ChildThatClosesItsOutputIsStillWaitedFor) {
  SubprocessRunner r;
  const long before = voluntary_switches_of_this_thread();
  auto st = r.run({.argv = {"sh", "-c", "echo early; exec >&- 2>&-; sleep 0.3; exit 4"}}, 30s);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->exit_code, 4);
  EXPECT_EQ(st->output, "early\n");
  EXPECT_LT(voluntary_switches_of_this_thread() - before, 10);
}
}  // namespace vmtest
