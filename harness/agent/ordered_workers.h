// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Work items in parallel, results in order. The agent hands a corpus's objects to forked worker
// processes, one object at a time as each worker becomes free, and this process receives each
// object's output and passes it on in corpus order, exactly as a single loop would have.
//
// Why processes, not threads: libbpf's print callback, its feature cache and the agent's
// capture buffer (agent/log_capture.h) are process-global, and an object's results must be
// what it yields loaded alone. A forked worker starts from this process's state (the parsed
// kernel BTF included), and nothing one worker does can reach another's results.
//
// Why handed out one at a time: objects differ a hundredfold in cost; a worker that finishes
// early takes the next object instead of idling behind a fixed share.
//
// A worker that dies (a crash inside libbpf, say) loses only its object: that item runs again
// in this process when its turn comes, so a crash that is deterministic happens where a single
// loop would have met it, and nothing else changes.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace vmtest {

// What one item yields: opaque strings, carried from worker to parent unchanged.
using WorkOutput = std::vector<std::string>;

struct OrderedWork {
  size_t count = 0;
  // Worker processes; 1 (or a single item, or a failed fork) runs everything in this process.
  int workers = 1;
  // Runs in a worker (or here); must not depend on items run before it in the same process.
  std::function<WorkOutput(size_t index)> work;
  // Called here, in order, when `index` becomes the first item not yet delivered: with one
  // worker, just before it runs; with more, while it (and later items) may already be running.
  std::function<void(size_t index)> next;
  // Called here with each item's output, strictly in order 0, 1, ..., count - 1.
  std::function<void(size_t index, WorkOutput&& output)> deliver;
};

// Runs every item and returns once each is delivered. Returns why it fell back to this
// process, if it did ("" otherwise); the results are the same either way.
std::string run_ordered(const OrderedWork& w);

// The frame a worker writes for one item (exposed for the tests).
std::string encode_work_frame(size_t index, const WorkOutput& output);
// Takes complete frames off the front of `buffer`; returns false on a malformed frame.
bool decode_work_frames(std::string& buffer,
                        const std::function<void(size_t index, WorkOutput&& output)>& frame);

} // namespace vmtest
