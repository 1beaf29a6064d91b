// SPDX-License-Identifier: BSD-2-Clause
// run_agent with several workers against one: these load real programs into the running kernel,
// so they need root (CAP_BPF); they boot nothing.
#include "agent/agent.h"
#include "results/guest_protocol.h"
#include "test_paths.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace vmtest {
namespace {

const std::string kBpf = VMTEST_BINARY_DIR "/tests/bpf/";

struct AgentRun {
  std::vector<std::string> progress;
  std::vector<std::string> kinds; // of every record, in order
  std::vector<std::string> begun; // names of the begin records, in order
  GuestStream stream;
};

AgentRun run_with(const Manifest& m, int workers) {
  AgentRun r;
  std::string raw;
  AgentOptions opts;
  opts.workers = workers;
  opts.skip_capabilities = true;
  opts.progress = [&](const std::string& line) { r.progress.push_back(line); };
  opts.emit = [&](const std::string& record) {
    raw += record;
    const size_t sp = record.find(' ', kRecordMarker.size());
    r.kinds.push_back(record.substr(kRecordMarker.size(), sp - kRecordMarker.size()));
    if (r.kinds.back() == "begin") {
      auto s = parse_guest_stream(record);
      if (s) r.begun.push_back(s->running);
    }
  };
  run_agent(m, opts);
  auto s = parse_guest_stream(raw);
  EXPECT_TRUE(s) << (s ? "" : s.error().what);
  if (s) r.stream = std::move(*s);
  return r;
}

// What is judged of a program: everything but timings, logs and test-run durations.
nlohmann::json judged(const ObjectResult& o) {
  nlohmann::json j = o;
  for (auto& p : j["programs"])
    for (const char* volatile_field : {"verification_time_us", "test_run", "more_test_runs",
                                       "log_tail", "full_log", "log_bytes", "line_costs"})
      p.erase(volatile_field);
  return j;
}

} // namespace

TEST(Agent, WorkersYieldTheRecordsAndProgressOfOne) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to call bpf()";
  Manifest m;
  // Objects of different cost, a broken one in the middle, and more objects than workers.
  for (const char* name :
       {"agent_fixture.bpf.o", "shared_map_fixture.bpf.o", "missing.o",
        "map_takeover_fixture.bpf.o", "attach_targets_fixture.bpf.o", "agent_fixture.bpf.o"})
    m.objects.push_back({name, kBpf + name, {}});
  const AgentRun one = run_with(m, 1);
  const AgentRun two = run_with(m, 2);
  ASSERT_TRUE(one.stream.finished);
  ASSERT_TRUE(two.stream.finished);
  EXPECT_EQ(two.progress, one.progress);
  EXPECT_EQ(two.kinds, one.kinds);
  EXPECT_EQ(two.begun, one.begun);
  ASSERT_EQ(one.stream.report.objects.size(), m.objects.size());
  ASSERT_EQ(two.stream.report.objects.size(), m.objects.size());
  for (size_t i = 0; i < m.objects.size(); ++i)
    EXPECT_EQ(judged(two.stream.report.objects[i]), judged(one.stream.report.objects[i]))
        << m.objects[i].name;
  EXPECT_FALSE(one.stream.report.objects[2].error.empty()); // the broken object stays broken
}

TEST(Agent, WorkersWithoutAReceiverStillFillTheReport) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to call bpf()";
  Manifest m;
  for (const char* name : {"agent_fixture.bpf.o", "missing.o", "shared_map_fixture.bpf.o"})
    m.objects.push_back({name, kBpf + name, {}});
  AgentOptions opts;
  opts.skip_capabilities = true;
  AgentReport one = run_agent(m, opts);
  opts.workers = 2;
  AgentReport two = run_agent(m, opts);
  ASSERT_EQ(two.objects.size(), one.objects.size());
  for (size_t i = 0; i < one.objects.size(); ++i)
    EXPECT_EQ(judged(two.objects[i]), judged(one.objects[i])) << m.objects[i].name;
}

} // namespace vmtest
