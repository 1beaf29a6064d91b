#include "run/corpus.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/sha256.h"

namespace vmtest {
namespace fs = std::filesystem;

TEST(Corpus, StemStripsBpfSuffixes) {
  EXPECT_EQ(object_stem("bpf_loop.bpf.o"), "bpf_loop");
  EXPECT_EQ(object_stem("xdp_flowtable.o"), "xdp_flowtable");
  EXPECT_EQ(object_stem("odd"), "odd");
}

TEST(Corpus, DiscoversSortedObjectsWithHashesAndCases) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "corpus-");
  ASSERT_TRUE(write_file_atomic(dir / "b.bpf.o", "bbb").ok());
  ASSERT_TRUE(write_file_atomic(dir / "a.o", "aaa").ok());
  ASSERT_TRUE(write_file_atomic(dir / "README", "not an object").ok());
  std::vector<std::string> asked;
  auto got = discover_corpus(dir, [&](const std::string& stem) -> Result<std::vector<TestCase>> {
    asked.push_back(stem);
    if (stem == "b") return std::vector<TestCase>{TestCase{.program = "p", .name = "c"}};
    return std::vector<TestCase>{};
  });
  ASSERT_TRUE(got.ok()) << got.error().str();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].name, "a.o");
  EXPECT_EQ((*got)[0].sha256, sha256_hex("aaa"));
  EXPECT_EQ((*got)[1].name, "b.bpf.o");
  ASSERT_EQ((*got)[1].cases.size(), 1u);
  EXPECT_EQ(asked.size(), 2u);
  fs::remove_all(dir);
}

TEST(Corpus, BadCaseFileFailsWithObjectContext) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "corpus-");
  ASSERT_TRUE(write_file_atomic(dir / "x.bpf.o", "x").ok());
  auto got = discover_corpus(dir, [](const std::string&) -> Result<std::vector<TestCase>> {
    return Error{"bad yaml", "testrun/x.yaml"};
  });
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().str().find("x.bpf.o"), std::string::npos);
  EXPECT_NE(got.error().str().find("testrun/x.yaml"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Corpus, MissingDirectoryIsAClearError) {
  auto got = discover_corpus("/nonexistent/corpus", nullptr);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().str().find("/nonexistent/corpus"), std::string::npos);
}

}  // namespace vmtest
