// The binary finds its data and its guest agent relative to itself, in an install tree and in
// the build tree alike.
#include "cli/paths.h"

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
