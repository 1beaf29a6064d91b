// SPDX-License-Identifier: BSD-2-Clause
// `vmtest boot` through fake stages: which row boots with what, and how its end maps to the
// exit code.
#include "app/boot.h"
#include "app_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace vmtest::testing;

namespace {

class BootUseCase : public AppProject {};

} // namespace

TEST_F(BootUseCase, BootsTheRowsKernelWithTheGivenImage) {
  BootRequest req;
  req.kernel = "6.1";
  req.initrd = dir_ / "init.cpio";
  req.timeout = std::chrono::seconds(7);
  req.accel = "tcg";
  auto o = boot_one(matrix_, req, stages_);
  ASSERT_TRUE(o.ok()) << o.error().str();
  EXPECT_EQ(boot_exit_code(*o), 0);
  ASSERT_EQ(stages_.booted_specs.size(), 1u);
  EXPECT_EQ(stages_.booted_specs[0].kernel, "/fake/6.1");
  EXPECT_EQ(stages_.booted_specs[0].initrd, req.initrd);
  EXPECT_EQ(stages_.booted_specs[0].timeout, std::chrono::seconds(7));
  EXPECT_EQ(stages_.booted_specs[0].accel, "tcg");
}

TEST_F(BootUseCase, AVmThatDidNotEndWellExitsTwo) {
  VmOutcome hung;
  hung.status = KernelStatus::Timeout;
  stages_.outcomes["6.1"] = hung;
  BootRequest req;
  req.kernel = "6.1";
  auto o = boot_one(matrix_, req, stages_);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(boot_exit_code(*o), 2);
}

TEST_F(BootUseCase, UnknownOrUnavailableRowsAreErrorsAndBootNothing) {
  BootRequest req;
  req.kernel = "5.4";
  auto unknown = boot_one(matrix_, req, stages_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().str(), "unknown kernel '5.4'");
  stages_.unavailable["6.1"] = "not available here: no image";
  req.kernel = "6.1";
  auto missing = boot_one(matrix_, req, stages_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().str(), "kernel '6.1': not available here: no image");
  EXPECT_TRUE(stages_.booted.empty());
}

} // namespace vmtest
