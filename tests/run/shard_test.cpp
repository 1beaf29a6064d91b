// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "core/fs.h"
#include "run/shard.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>

namespace vmtest {

TEST(Shard, ParsesAndRejects) {
  auto s = parse_shard("2/4");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 4);
  // Numbers too large for an int (issue 24: 1/18446744073709551617 ran everything, while
  // 2/... was refused) are refused like any other bad count.
  for (const char* bad :
       {"0/4", "5/4", "1/0", "x", "1/", "/2", "1/2/3", "-1/2", "1/18446744073709551617",
        "2/18446744073709551617", "18446744073709551617/1", "1/2147483648"})
    EXPECT_FALSE(parse_shard(bad).ok()) << bad;
}

TEST(Shard, EveryObjectLandsInExactlyOneShard) {
  std::vector<CorpusObject> corpus;
  for (int i = 0; i < 11; ++i)
    corpus.push_back({"o" + std::to_string(i) + ".o", "", "", "", {}});
  std::map<std::string, int> count;
  for (int i = 1; i <= 3; ++i)
    for (const auto& o : select_shard(corpus, {i, 3}))
      ++count[o.name];
  EXPECT_EQ(count.size(), 11u);
  for (const auto& [name, n] : count)
    EXPECT_EQ(n, 1) << name;
}

// Splitting a real run's results by object and merging them back gives the original exactly.
TEST(Shard, MergeOfShardsEqualsTheUnshardedRun) {
  auto text = read_file(VMTEST_TEST_DATA "/report/real_results.json");
  ASSERT_TRUE(text.ok());
  RunResults whole = nlohmann::json::parse(*text).get<RunResults>();
  std::vector<std::string> order;
  for (const auto& k : whole.kernels)
    order.push_back(k.name);
  for (int n : {1, 2, 3, 5}) {
    std::vector<RunResults> parts(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      parts[i] = whole;
      for (auto& k : parts[i].kernels) {
        std::vector<ObjectResult> mine;
        for (size_t j = 0; j < k.objects.size(); ++j)
          if (static_cast<int>(j % static_cast<size_t>(n)) == i) mine.push_back(k.objects[j]);
        k.objects = mine;
      }
    }
    std::reverse(parts.begin(), parts.end()); // input order must not matter
    auto merged = merge_results(parts, order);
    ASSERT_TRUE(merged.ok()) << merged.error().str();
    EXPECT_EQ(nlohmann::json(*merged), nlohmann::json(whole)) << "shards: " << n;
  }
}

TEST(Shard, PerKernelJobsMergeInMatrixOrder) {
  RunResults a, b;
  KernelResult k61, k510;
  k61.name = "6.1";
  k510.name = "5.10";
  a.kernels = {k61};
  b.kernels = {k510};
  auto merged = merge_results({a, b}, {"4.18", "5.10", "6.1"});
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ(merged->kernels.size(), 2u);
  EXPECT_EQ(merged->kernels[0].name, "5.10");
  EXPECT_EQ(merged->kernels[1].name, "6.1");
}

TEST(Shard, OverlappingShardsAreAnError) {
  RunResults a;
  KernelResult k;
  k.name = "6.1";
  ObjectResult o;
  o.name = "x.bpf.o";
  k.objects = {o};
  a.kernels = {k};
  auto merged = merge_results({a, a}, {});
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.error().str().find("overlap"), std::string::npos);
}

TEST(Shard, AFailedShardKeepsItsFailure) {
  RunResults a, b;
  KernelResult ok, bad;
  ok.name = bad.name = "6.1";
  ObjectResult o;
  o.name = "x.bpf.o";
  ok.objects = {o};
  bad.status = KernelStatus::Timeout;
  bad.error = "killed";
  a.kernels = {ok};
  b.kernels = {bad};
  auto merged = merge_results({a, b}, {});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->kernels[0].status, KernelStatus::Timeout);
  EXPECT_EQ(merged->kernels[0].objects.size(), 1u);
}

} // namespace vmtest
