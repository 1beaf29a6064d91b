// SPDX-License-Identifier: BSD-2-Clause
#include "core/cancel.h"
#include "core/fs.h"
#include "core/process.h"

#include <fstream>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Alive, and not a zombie waiting for a reaper (a container's PID 1 may never reap).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_s, comm, state;
  if (!(stat >> pid_s >> comm >> state)) return false;
  return state != "Z" && state != "X";
}

bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
  for (auto t0 = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - t0 < limit;
       std::this_thread::sleep_for(20ms))
    if (!running(pid)) return true;
  return false;
}

pid_t read_pid(const fs::path& file, std::chrono::milliseconds limit = 5s) {
  for (auto t0 = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - t0 < limit;
       std::this_thread::sleep_for(20ms)) {
    auto text = read_file(file);
    if (text && !text->empty() && text->back() == '\n') return std::stoi(*text);
  }
  return -1;
}

class Cancel : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-cancel-"); }
  void TearDown() override {
    reset_cancel_for_tests();
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

} // namespace

// The cancellation ends the child's whole process group: qemu's helpers, or here the shell's
// background sleep, go with it.
TEST_F(Cancel, RequestKillsEveryTrackedChildGroupAndSaysWhy) {
  SubprocessRunner r;
  Command c;
  c.argv = {"sh", "-c", "sleep 60 & echo $! > " + (dir_ / "bg").string() + "; wait"};
  auto p = r.start(c);
  ASSERT_TRUE(p.ok());
  const pid_t background = read_pid(dir_ / "bg");
  ASSERT_GT(background, 0);
  EXPECT_FALSE(cancelled());
  request_cancel(SIGTERM);
  EXPECT_EQ(cancel_signal(), SIGTERM);
  EXPECT_EQ(cancel_reason(), "interrupted by SIGTERM");
  const auto t0 = std::chrono::steady_clock::now();
  ExitStatus st = (*p)->wait(30s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(st.term_signal, SIGKILL);
  EXPECT_TRUE(gone_within(background, 5s)) << "the child's own child survived";
  // A second request changes nothing: the first signal is the one named.
  request_cancel(SIGINT);
  EXPECT_EQ(cancel_signal(), SIGTERM);
}

TEST_F(Cancel, AChildStartedAfterTheCancellationIsKilledAtOnce) {
  request_cancel(SIGHUP);
  SubprocessRunner r;
  auto st = r.run({.argv = {"sleep", "60"}}, 30s);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->term_signal, SIGKILL);
  EXPECT_FALSE(st->timed_out);
}

// The real signals, once installed: the process is not killed, it is marked cancelled and its
// children are stopped. (ctest runs every test in a process of its own.)
TEST_F(Cancel, InstalledSignalsCancelInsteadOfKilling) {
  install_cancel_on_signals();
  SubprocessRunner r;
  // Children do not inherit the blocked signals: a plain SIGTERM still ends them.
  auto term = r.run({.argv = {"sh", "-c", "kill -TERM $$; sleep 5"}}, 30s);
  ASSERT_TRUE(term.ok());
  EXPECT_EQ(term->term_signal, SIGTERM) << term->describe();
  EXPECT_FALSE(cancelled());

  auto p = r.start({.argv = {"sleep", "60"}});
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  for (auto t0 = std::chrono::steady_clock::now();
       !cancelled() && std::chrono::steady_clock::now() - t0 < 5s;)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(cancel_signal(), SIGINT);
  EXPECT_EQ((*p)->wait(30s).term_signal, SIGKILL);
}

} // namespace vmtest
