// SPDX-License-Identifier: BSD-2-Clause
// The binary finds its data and its guest agent relative to itself, in an install tree and in
// the build tree alike.
#include "test_paths.h"
#include "app/paths.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

TEST(Paths, InstalledLayout) {
  EXPECT_EQ(candidate_data_dirs("/opt/v/bin").front(), fs::path("/opt/v/share/vmtest"));
  const auto agents = candidate_agent_paths("/opt/v/bin");
  EXPECT_EQ(agents.back(), fs::path("/opt/v/libexec/vmtest/vmtest-guest"));
}

TEST(Paths, BuildTreeLayout) {
  const fs::path build = VMTEST_BINARY_DIR;
  EXPECT_EQ(candidate_data_dirs(build / "harness").front(), build / "share" / "vmtest");
  EXPECT_EQ(candidate_agent_paths(build / "harness").front(), build / "harness" / "vmtest-guest");
  // CMake lays the bundled data out there, as links into the source tree.
  for (const char* f : {"kernels/matrix.yaml", "kernels/matrix.lock.json", "images/bpf.config"}) {
    const fs::path p = build / "share" / "vmtest" / f;
    EXPECT_TRUE(fs::exists(p)) << p;
    EXPECT_EQ(fs::canonical(p), fs::canonical(fs::path(VMTEST_SOURCE_DIR) / f)) << p;
  }
}

} // namespace vmtest

namespace vmtest {

// The arm64 agent sits where cmake/GuestAgentCross.cmake puts it (build tree) and where its
// install() rule puts it; the host's own architecture keeps the plain paths.
TEST(Paths, ForeignArchitectureAgentsLiveInAnArchFolder) {
  const Arch other = host_arch() == Arch::x86_64 ? Arch::arm64 : Arch::x86_64;
  const std::string m(uname_machine(other));
  const auto agents = candidate_agent_paths("/opt/v/bin", other);
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents.front(), fs::path("/opt/v/bin") / m / "vmtest-guest");
  EXPECT_EQ(agents.back(), fs::path("/opt/v/libexec/vmtest") / m / "vmtest-guest");
  EXPECT_EQ(candidate_agent_paths("/opt/v/bin", host_arch()), candidate_agent_paths("/opt/v/bin"));
  EXPECT_EQ(default_bpftool_path(host_arch()), fs::path("/usr/sbin/bpftool"));
  EXPECT_EQ(default_bpftool_path(other).parent_path().filename(), m);
}

} // namespace vmtest
