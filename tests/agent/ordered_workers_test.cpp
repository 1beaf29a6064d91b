// SPDX-License-Identifier: BSD-2-Clause
// The worker pool forks real processes; these tests need no root and boot nothing.
#include "agent/ordered_workers.h"

#include <chrono>
#include <gtest/gtest.h>
#include <set>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace vmtest {
namespace {

struct Trace {
  std::vector<size_t> next, delivered;
  std::vector<WorkOutput> outputs;
};

OrderedWork traced(Trace& t, size_t count, int workers, std::function<WorkOutput(size_t)> work) {
  OrderedWork w;
  w.count = count;
  w.workers = workers;
  w.work = std::move(work);
  w.next = [&t](size_t i) { t.next.push_back(i); };
  w.deliver = [&t](size_t i, WorkOutput&& out) {
    t.delivered.push_back(i);
    t.outputs.push_back(std::move(out));
  };
  return w;
}

std::vector<size_t> iota(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = i;
  return v;
}

// Early items are the slow ones, so workers finish out of order and the parent must hold
// later outputs back.
WorkOutput slow_first(size_t i, size_t count) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * (count - i)));
  return {"item " + std::to_string(i), std::to_string(getpid()), std::string(i * 7000, 'x')};
}

} // namespace

TEST(OrderedWorkers, DeliversEveryItemInOrderFromOtherProcesses) {
  Trace t;
  const size_t n = 12;
  EXPECT_EQ(run_ordered(traced(t, n, 3, [n](size_t i) { return slow_first(i, n); })), "");
  EXPECT_EQ(t.delivered, iota(n));
  EXPECT_EQ(t.next, iota(n));
  std::set<std::string> pids;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(t.outputs[i].size(), 3u);
    EXPECT_EQ(t.outputs[i][0], "item " + std::to_string(i));
    EXPECT_EQ(t.outputs[i][2].size(), i * 7000)
        << "outputs larger than a pipe's buffer arrive whole";
    pids.insert(t.outputs[i][1]);
  }
  EXPECT_EQ(pids.count(std::to_string(getpid())), 0u) << "the parent only coordinates";
  EXPECT_GE(pids.size(), 2u) << "items ran in more than one worker";
}

TEST(OrderedWorkers, OneWorkerRunsHereInOrder) {
  Trace t;
  run_ordered(traced(t, 4, 1, [](size_t i) {
    return WorkOutput{std::to_string(getpid()), std::to_string(i)};
  }));
  EXPECT_EQ(t.delivered, iota(4));
  for (const auto& out : t.outputs)
    EXPECT_EQ(out[0], std::to_string(getpid()));
}

TEST(OrderedWorkers, NextComesBeforeItsItemIsDelivered) {
  std::vector<std::string> events;
  OrderedWork w;
  w.count = 5;
  w.workers = 2;
  w.work = [](size_t i) { return WorkOutput{std::to_string(i)}; };
  w.next = [&](size_t i) { events.push_back("next " + std::to_string(i)); };
  w.deliver = [&](size_t i, WorkOutput&&) { events.push_back("deliver " + std::to_string(i)); };
  run_ordered(w);
  std::vector<std::string> want;
  for (size_t i = 0; i < 5; ++i) {
    want.push_back("next " + std::to_string(i));
    want.push_back("deliver " + std::to_string(i));
  }
  EXPECT_EQ(events, want);
}

TEST(OrderedWorkers, ItemOfAWorkerThatDiedRunsHereInItsTurn) {
  const pid_t parent = getpid();
  Trace t;
  const size_t n = 8;
  run_ordered(traced(t, n, 2, [parent](size_t i) {
    if (i == 3 && getpid() != parent) _exit(9); // a crash inside a worker
    return WorkOutput{std::to_string(i), std::to_string(getpid())};
  }));
  EXPECT_EQ(t.delivered, iota(n));
  EXPECT_EQ(t.next, iota(n));
  EXPECT_EQ(t.outputs[3][1], std::to_string(parent));
  for (size_t i = 0; i < n; ++i)
    if (i != 3) EXPECT_NE(t.outputs[i][1], std::to_string(parent)) << i;
}

TEST(OrderedWorkers, EveryWorkerDeadMeansTheRestRunsHere) {
  const pid_t parent = getpid();
  Trace t;
  run_ordered(traced(t, 6, 2, [parent](size_t i) {
    if (getpid() != parent) _exit(1);
    return WorkOutput{std::to_string(i)};
  }));
  EXPECT_EQ(t.delivered, iota(6));
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(t.outputs[i], WorkOutput{std::to_string(i)});
}

TEST(OrderedWorkers, AnExceptionSurfacesHereAfterTheItemsBeforeIt) {
  Trace t;
  auto w = traced(t, 6, 2, [](size_t i) -> WorkOutput {
    if (i == 2) throw std::runtime_error("object 2 broke");
    return {std::to_string(i)};
  });
  EXPECT_THROW(run_ordered(w), std::runtime_error);
  EXPECT_EQ(t.delivered, (std::vector<size_t>{0, 1}));
}

TEST(OrderedWorkers, FramesSurviveArrivingAByteAtATime) {
  std::string stream = encode_work_frame(4, {"a", "", std::string(300, '\n')}) +
                       encode_work_frame(5, {}) + encode_work_frame(6, {"z"});
  std::string buffer;
  std::vector<std::pair<size_t, WorkOutput>> got;
  for (char c : stream) {
    buffer.push_back(c);
    ASSERT_TRUE(decode_work_frames(
        buffer, [&](size_t i, WorkOutput&& o) { got.emplace_back(i, std::move(o)); }));
  }
  EXPECT_TRUE(buffer.empty());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].first, 4u);
  EXPECT_EQ(got[0].second, (WorkOutput{"a", "", std::string(300, '\n')}));
  EXPECT_EQ(got[1].first, 5u);
  EXPECT_TRUE(got[1].second.empty());
  EXPECT_EQ(got[2].second, WorkOutput{"z"});
}

TEST(OrderedWorkers, AMalformedFrameIsRefused) {
  std::string frame = encode_work_frame(1, {"abc"});
  frame[24] = 9; // the string claims more bytes than its frame holds
  std::string buffer = frame;
  EXPECT_FALSE(decode_work_frames(buffer, [](size_t, WorkOutput&&) {}));
}

} // namespace vmtest
