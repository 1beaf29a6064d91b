// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Sharding splits a large corpus across CI jobs; merging puts the pieces back together. The
// split is by object, round-robin over the name-sorted corpus, so every shard gets a similar
// mix and the assignment never depends on the machine.
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "results/results.h"
#include "run/corpus.h"

namespace vmtest {

struct Shard {
  int index = 1;  // 1-based
  int count = 1;
};

// "2/4" -> {2, 4}; anything else (0/4, 5/4, 1/0, "x") is an error naming the text.
Result<Shard> parse_shard(std::string_view text);
std::vector<CorpusObject> select_shard(const std::vector<CorpusObject>& corpus, Shard shard);

// Merges results from shards and/or per-kernel jobs. Kernels are ordered as in
// `kernel_order` (the matrix; unknown names last, by name); objects of one kernel are unioned
// and sorted by name. An object reported by two inputs for the same kernel is an error: the
// shards overlapped. A kernel that failed in any input keeps that failure.
Result<RunResults> merge_results(const std::vector<RunResults>& parts,
                                 const std::vector<std::string>& kernel_order);

}  // namespace vmtest
