// SPDX-License-Identifier: BSD-2-Clause
#include "agent/capability_probe.h"
#include "core/fs.h"

#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <sys/stat.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A stand-in bpftool: a shell script that prints what the test says.
class FakeBpftool : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "probe-"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string script(const std::string& body) {
    fs::path p = dir_ / "bpftool";
    EXPECT_TRUE(write_file_atomic(p, "#!/bin/sh\n" + body + "\n").ok());
    chmod(p.c_str(), 0755);
    return p.string();
  }
  fs::path dir_;
};

} // namespace

TEST_F(FakeBpftool, KeepsTheJsonAndPassesTheProbeArguments) {
  auto p = probe_capabilities(
      script(R"(echo "{\"args\": \"$*\", \"program_types\": {\"have_xdp_prog_type\": true}}")"));
  EXPECT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(p.json["args"], "feature probe kernel -j");
  EXPECT_EQ(p.json["program_types"]["have_xdp_prog_type"], true);
  EXPECT_GE(p.seconds, 0.0);
}

TEST_F(FakeBpftool, NonZeroExitKeepsStderrTail) {
  auto p = probe_capabilities(script("echo 'Error: bpf() not permitted' >&2; exit 255"));
  EXPECT_TRUE(p.json.is_null());
  EXPECT_NE(p.error.find("exited with status 255: Error: bpf() not permitted"), std::string::npos)
      << p.error;
}

TEST_F(FakeBpftool, GarbageIsAnErrorNotACrash) {
  auto p = probe_capabilities(script("echo not json"));
  EXPECT_TRUE(p.json.is_null());
  EXPECT_NE(p.error.find("no valid JSON"), std::string::npos);
}

TEST_F(FakeBpftool, AWedgedProbeIsKilledAtTheDeadline) {
  auto t0 = std::chrono::steady_clock::now();
  auto p = probe_capabilities(script("exec sleep 30"), 300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_NE(p.error.find("timed out"), std::string::npos) << p.error;
}

TEST(CaptureCommand, MissingBinaryIsReported) {
  auto c = capture_command({"/nonexistent/bpftool", "feature"}, 2s);
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.error.find("status 127"), std::string::npos) << c.error;
  EXPECT_NE(c.error.find("cannot execute /nonexistent/bpftool"), std::string::npos) << c.error;
}

TEST(CaptureCommand, LargeOutputOnBothStreamsDoesNotDeadlock) {
  // More than a pipe buffer on each stream at once.
  auto c = capture_command({"/bin/sh", "-c",
                            "head -c 200000 /dev/zero | tr '\\0' a; "
                            "head -c 200000 /dev/zero >&2"},
                           10s);
  EXPECT_TRUE(c.ok) << c.error;
  EXPECT_EQ(c.out.size(), 200000u);
}

// The real thing, when the host has Debian's bpftool and may use bpf().
TEST(CapabilityProbeHost, RealBpftoolReportsProgramTypes) {
  std::error_code ec;
  if (!fs::exists("/usr/sbin/bpftool", ec) || geteuid() != 0)
    GTEST_SKIP() << "needs root and bpftool";
  auto p = probe_capabilities("/usr/sbin/bpftool");
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_TRUE(p.json.contains("program_types"));
  EXPECT_TRUE(p.json["helpers"].contains("xdp_available_helpers"));
}

} // namespace vmtest
