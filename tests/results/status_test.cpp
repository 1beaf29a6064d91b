// SPDX-License-Identifier: BSD-2-Clause
#include "results/status.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vmtest {

TEST(Status, StringsAreTheOnesCommittedFilesUse) {
  EXPECT_STREQ(to_string(Verdict::Accepted), "accepted");
  EXPECT_STREQ(to_string(TestRunStatus::NotRunnable), "not_runnable");
  EXPECT_STREQ(to_string(KernelStatus::BootFailed), "boot_failed");
  EXPECT_STREQ(to_string(KernelStatus::NoResults), "no_results");
  EXPECT_STREQ(to_string(LogTruncation::None), "");
  for (KernelStatus s : {KernelStatus::Ok, KernelStatus::Skipped, KernelStatus::Error,
                         KernelStatus::BootFailed, KernelStatus::Timeout, KernelStatus::Panic,
                         KernelStatus::NoResults, KernelStatus::Killed, KernelStatus::Crashed})
    EXPECT_EQ(parse_kernel_status(to_string(s)), s);
}

TEST(Status, QemuEndedBySignalHasWordsOfItsOwnAndFailsTheRun) {
  EXPECT_STREQ(to_string(KernelStatus::Killed), "killed");
  EXPECT_STREQ(to_string(KernelStatus::Crashed), "crashed");
  EXPECT_EQ(nlohmann::json::parse("\"killed\"").get<KernelStatus>(), KernelStatus::Killed);
  EXPECT_TRUE(is_failure(KernelStatus::Killed));
  EXPECT_TRUE(is_failure(KernelStatus::Crashed));
}

TEST(Status, UnknownWordsAreErrorsThatNameThemselves) {
  EXPECT_FALSE(parse_verdict("maybe"));
  try {
    nlohmann::json::parse("\"exploded\"").get<KernelStatus>();
    FAIL() << "expected an exception";
  } catch (const nlohmann::json::exception& e) {
    EXPECT_NE(std::string(e.what()).find("exploded"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("boot_failed"), std::string::npos) << "lists the choices";
  }
  EXPECT_THROW(nlohmann::json(3).get<Verdict>(), nlohmann::json::exception);
}

TEST(Status, FailureMeansSelectedButWithoutVerdicts) {
  EXPECT_FALSE(is_failure(KernelStatus::Ok));
  EXPECT_FALSE(is_failure(KernelStatus::Skipped));
  EXPECT_TRUE(is_failure(KernelStatus::Timeout));
  EXPECT_TRUE(is_failure(KernelStatus::Error));
}

} // namespace vmtest
