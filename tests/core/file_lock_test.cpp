// SPDX-License-Identifier: BSD-2-Clause
#include "core/file_lock.h"
#include "core/cancel.h"
#include "core/fs.h"

#include <chrono>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class FileLockTest : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "lock-"); }
  void TearDown() override {
    if (child_ > 0) {
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  // A separate process (flock locks belong to open files, so a process is the honest test)
  // that takes the lock, says so through a pipe, holds it for `hold`, then exits.
  void hold_in_child(const fs::path& lock, std::chrono::milliseconds hold) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    child_ = ::fork();
    ASSERT_GE(child_, 0);
    if (child_ == 0) {
      ::close(p[0]);
      auto l = FileLock::try_acquire(lock, "test state");
      const char c = l ? '1' : '0';
      (void)!::write(p[1], &c, 1);
      std::this_thread::sleep_for(hold);
      ::_exit(0);
    }
    ::close(p[1]);
    char c = 0;
    ASSERT_EQ(::read(p[0], &c, 1), 1);
    ::close(p[0]);
    ASSERT_EQ(c, '1');
  }

  fs::path dir_;
  pid_t child_ = -1;
};

TEST_F(FileLockTest, FreeLockIsTakenAndItsFolderCreated) {
  const fs::path lock = dir_ / "locks" / "a.lock";
  std::vector<std::string> said;
  auto l = FileLock::acquire(lock, "x", [&](const std::string& s) { said.push_back(s); });
  ASSERT_TRUE(l.ok()) << l.error().str();
  EXPECT_TRUE(fs::exists(lock));
  EXPECT_TRUE(said.empty());
  EXPECT_EQ(lock_holder(lock), std::to_string(::getpid()));
}

TEST_F(FileLockTest, TryAcquireNamesTheHolderWhileAnotherProcessHoldsIt) {
  const fs::path lock = dir_ / "out.lock";
  hold_in_child(lock, 5s);
  auto l = FileLock::try_acquire(lock, "output folder /x");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().what,
            "output folder /x is in use by another vmtest (pid " + std::to_string(child_) + ")");
  EXPECT_EQ(l.error().context, lock.string());
}

TEST_F(FileLockTest, AcquireSaysOnceThatItWaitsThenGetsTheLockWhenTheHolderExits) {
  const fs::path lock = dir_ / "entry.lock";
  hold_in_child(lock, 600ms);
  std::vector<std::string> said;
  auto l =
      FileLock::acquire(lock, "cache entry k", [&](const std::string& s) { said.push_back(s); });
  ASSERT_TRUE(l.ok()) << l.error().str();
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0], "waiting for another vmtest (pid " + std::to_string(child_) +
                         ") to finish with cache entry k (" + lock.string() + ")");
  // The holder is gone (its exit released the lock); the file now names us.
  EXPECT_EQ(lock_holder(lock), std::to_string(::getpid()));
}

TEST_F(FileLockTest, ACancelledRunStopsWaitingForTheLock) {
  const fs::path lock = dir_ / "held.lock";
  hold_in_child(lock, 30s);
  std::thread cancel([] {
    std::this_thread::sleep_for(200ms);
    request_cancel(SIGTERM);
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto l = FileLock::acquire(lock, "cache entry k", {});
  const auto waited = std::chrono::steady_clock::now() - t0;
  cancel.join();
  reset_cancel_for_tests();
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().what, "stopped waiting for cache entry k: interrupted by SIGTERM");
  EXPECT_LT(waited, 5s); // the holder keeps it for 30 s
}

TEST_F(FileLockTest, ReleasedOnDestructionSoTheNextTakerDoesNotWait) {
  const fs::path lock = dir_ / "r.lock";
  {
    auto l = FileLock::acquire(lock, "x", {});
    ASSERT_TRUE(l.ok());
  }
  auto again = FileLock::try_acquire(lock, "x");
  EXPECT_TRUE(again.ok());
}

TEST_F(FileLockTest, UnopenableLockFileIsAnErrorNamingIt) {
  auto l = FileLock::acquire("/proc/vmtest-no/x.lock", "x", {});
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.error().str().find("/proc/vmtest-no"), std::string::npos);
}

} // namespace vmtest
