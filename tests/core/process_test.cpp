#include "core/process.h"

#include <gtest/gtest.h>

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
}  // namespace vmtest
