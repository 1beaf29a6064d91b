// SPDX-License-Identifier: BSD-2-Clause
// `vmtest capabilities` picks its columns from results files: one per probed kernel, a second
// run's row under its own title, and a note for each kernel without a probe.
#include "app/capabilities.h"
#include "app_fixtures.h"
#include "results/byte_text.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace vmtest::testing;

namespace {

fs::path write_run(const fs::path& path, std::vector<KernelResult> kernels) {
  EXPECT_TRUE(
      write_file_atomic(path, dump_json(nlohmann::json(results_of(std::move(kernels))), 2)).ok());
  return path;
}

KernelResult probed(const std::string& name) {
  KernelResult k = kernel_with(name, {program("p", Verdict::Accepted, 10)});
  k.capabilities = {{"program_types", {{"have_xdp_prog_type", true}}}};
  return k;
}

} // namespace

TEST(CapabilitiesUseCase, OneColumnPerProbedKernelAndANoteForTheOthers) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "caps-");
  const fs::path today = write_run(dir / "today.json", {probed("6.1"), kernel_with("5.10", {})});
  const fs::path yesterday = write_run(dir / "yesterday.json", {probed("6.1")});
  auto c = capability_columns({today, yesterday}, {});
  ASSERT_TRUE(c.ok()) << c.error().str();
  ASSERT_EQ(c->columns.size(), 2u);
  EXPECT_EQ(c->columns[0].kernel, "6.1");
  EXPECT_EQ(c->columns[1].kernel, "6.1#2");
  EXPECT_EQ(c->notes, std::vector<std::string>{
                          "5.10: not probed: the run had no bpftool (--no-capabilities?)"});
  // --kernel keeps only the rows named.
  auto only = capability_columns({today}, {"5.10"});
  ASSERT_TRUE(only.ok());
  EXPECT_TRUE(only->columns.empty());
  fs::remove_all(dir);
}

TEST(CapabilitiesUseCase, AMissingFileSaysHowToGetOne) {
  auto c = capability_columns({"/nonexistent/results.json"}, {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().str().find("/nonexistent/results.json"), std::string::npos);
  EXPECT_NE(c.error().str().find("(run 'vmtest run' first, or pass --results)"), std::string::npos);
}

} // namespace vmtest
