// SPDX-License-Identifier: BSD-2-Clause
// The loader on real guests: the fixup objects load as veristat would load them, loading
// objects whole (the default) gives exactly what loading every program on its own gives, and two
// agent workers give what one gives.
#include "test_paths.h"
#include "e2e_support.h"

#include <fstream>
#include <map>

namespace vmtest::e2e {
namespace fs = std::filesystem;

namespace {

fs::path fixups_dir() {
  return VMTEST_BINARY_DIR "/tests/bpf/fixups";
}
fs::path bundled_dir() {
  return VMTEST_BINARY_DIR "/bpf/corpus";
}

using Verdicts = std::map<std::string, const ProgramResult*>; // "object:program"

Verdicts by_name(const KernelResult& k) {
  Verdicts v;
  for (const auto& o : k.objects)
    for (const auto& p : o.programs)
      v[o.name + ":" + p.name] = &p;
  return v;
}

// What veristat gives for each fixup program, on kernels with and without cgrp storage (6.2+).
struct Expected {
  std::string program;
  Verdict verdict;
  int err;
};

std::vector<Expected> expected_fixups(bool has_cgrp_storage) {
  return {
      {"fixup_storage_maps.bpf.o:cgskb_sk_storage", Verdict::Accepted, 0},
      {"fixup_storage_maps.bpf.o:tp_task_storage", Verdict::Accepted, 0},
      {"fixup_storage_maps.bpf.o:cgskb_cgroup_storage", Verdict::Accepted, 0},
      {"fixup_cgrp_storage.bpf.o:tp_cgrp_storage", has_cgrp_storage ? Verdict::Accepted : Verdict::Rejected,
       has_cgrp_storage ? 0 : EINVAL},
      // The one place we load what veristat cannot (see the object's comment).
      {"fixup_percpu_cgroup_storage.bpf.o:cgskb_percpu_cgroup_storage", Verdict::Accepted, 0},
      {"fixup_struct_ops.bpf.o:good_ssthresh", Verdict::Accepted, 0},
      {"fixup_struct_ops.bpf.o:good_cong_avoid", Verdict::Accepted, 0},
      {"fixup_struct_ops.bpf.o:bad_undo_cwnd", Verdict::Rejected, EACCES},
      {"fixup_freplace.bpf.o:freplace_xdp", Verdict::Accepted, 0},
      {"fixup_freplace.bpf.o:freplace_skb", Verdict::Accepted, 0},
      {"fixup_freplace.bpf.o:freplace_unknown", Verdict::Rejected, EINVAL},
      {"fixup_runtime_max_entries.bpf.o:xdp_runtime_sized", Verdict::Accepted, 0},
      {"fixup_runtime_max_entries.bpf.o:kprobe_runtime_sized", Verdict::Accepted, 0},
      {"fixup_big_maps.bpf.o:kprobe_big_maps", Verdict::Accepted, 0},
      {"fixup_map_in_map.bpf.o:xdp_map_in_map", Verdict::Accepted, 0},
      {"fixup_runtime_value_size.bpf.o:kprobe_stackid", Verdict::Rejected, EINVAL},
      {"fixup_runtime_value_size.bpf.o:xdp_unrelated", Verdict::Rejected, EINVAL},
  };
}

} // namespace

TEST(LoaderE2E, FixupObjectsLoadAsVeristatLoadsThem) {
  ASSERT_TRUE(fs::exists(fixups_dir() / "fixup_struct_ops.bpf.o")) << "build the test objects";
  auto dir = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-fixups-");
  auto r =
      run_vmtest({"run", "--kernel", "6.1", "--kernel", "6.12", "--corpus", fixups_dir().string(),
                  "--no-gate", "--no-capabilities", "--out", dir.string()},
                 dir);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (std::string kernel : {"6.1", "6.12"}) {
    const KernelResult* k = r.results.find(kernel);
    ASSERT_NE(k, nullptr) << kernel;
    ASSERT_EQ(k->status, KernelStatus::Ok) << kernel << ": " << k->error;
    auto got = by_name(*k);
    auto want = expected_fixups(kernel != "6.1");
    EXPECT_EQ(got.size(), want.size()) << kernel;
    for (const auto& w : want) {
      auto it = got.find(w.program);
      ASSERT_NE(it, got.end()) << kernel << " " << w.program;
      const ProgramResult& p = *it->second;
      EXPECT_EQ(p.verdict, w.verdict) << kernel << " " << w.program << "\n"
                                      << p.error << "\n"
                                      << joined(p.log_tail);
      EXPECT_EQ(p.err, w.err) << kernel << " " << w.program;
    }
    // What each rejection says is the reason veristat would give.
    EXPECT_NE(got["fixup_runtime_value_size.bpf.o:xdp_unrelated"]->error.find(
                  "map 'stackmap': failed to create"),
              std::string::npos);
    EXPECT_NE(
        joined(got["fixup_struct_ops.bpf.o:bad_undo_cwnd"]->log_tail).find("invalid mem access"),
        std::string::npos);
    // freplace programs run as the type they were guessed as.
    EXPECT_EQ(got["fixup_freplace.bpf.o:freplace_xdp"]->prog_type, "xdp");
    EXPECT_EQ(got["fixup_freplace.bpf.o:freplace_xdp"]->test_run.status, TestRunStatus::Ok);
    EXPECT_EQ(got["fixup_freplace.bpf.o:freplace_xdp"]->test_run.retval, 2u); // XDP_PASS
  }
  fs::remove_all(dir);
}

// The bundled corpus and Debian's libbpf-tools skeletons (bench/libbpf-tools-corpus.sh) in one
// directory, loaded on 6.1 twice: objects whole (the default) and every program on its own.
TEST(LoaderE2E, WholeObjectLoadsGiveWhatIsolatedLoadsGive) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-loads-");
  fs::path corpus = dir / "corpus";
  fs::create_directories(corpus);
  for (const auto& e : fs::directory_iterator(bundled_dir()))
    if (e.path().extension() == ".o") fs::copy_file(e.path(), corpus / e.path().filename());
  size_t bundled = std::distance(fs::directory_iterator(corpus), fs::directory_iterator());
  SubprocessRunner runner;
  Command extract;
  extract.argv = {"bash", (source_dir() / "bench/libbpf-tools-corpus.sh").string(),
                  corpus.string()};
  auto st = runner.run(extract, std::chrono::minutes(3));
  ASSERT_TRUE(st && st->success()) << "cannot extract the libbpf-tools corpus (Debian mirror?)\n"
                                   << (st ? st->output : st.error().str());
  size_t total = std::distance(fs::directory_iterator(corpus), fs::directory_iterator());
  ASSERT_GE(total, bundled + 50) << "libbpf-tools holds 52 skeleton objects";

  auto run = [&](const std::string& name, bool isolated) {
    std::vector<std::string> args = {"run",
                                     "--kernel",
                                     "6.1",
                                     "--corpus",
                                     corpus.string(),
                                     "--no-gate",
                                     "--no-capabilities",
                                     "--timeout",
                                     "600",
                                     "--out",
                                     (dir / name).string()};
    if (isolated) args.push_back("--isolated-loads");
    return run_vmtest(args, dir / name, std::chrono::seconds{900});
  };
  auto whole = run("whole", false);
  auto alone = run("alone", true);
  ASSERT_TRUE(whole.has_results) << whole.output;
  ASSERT_TRUE(alone.has_results) << alone.output;
  const KernelResult* w = whole.results.find("6.1");
  const KernelResult* a = alone.results.find("6.1");
  ASSERT_TRUE(w && a);
  ASSERT_EQ(w->status, KernelStatus::Ok) << w->error;
  ASSERT_EQ(a->status, KernelStatus::Ok) << a->error;
  auto wp = by_name(*w);
  auto ap = by_name(*a);
  ASSERT_EQ(wp.size(), ap.size());
  EXPECT_GE(wp.size(), 200u);
  size_t accepted = 0;
  for (const auto& [key, x] : ap) {
    auto it = wp.find(key);
    ASSERT_NE(it, wp.end()) << key;
    const ProgramResult& y = *it->second;
    EXPECT_EQ(y.verdict, x->verdict) << key;
    EXPECT_EQ(y.err, x->err) << key;
    EXPECT_EQ(y.metrics[Metric::InsnsProcessed], x->metrics[Metric::InsnsProcessed]) << key;
    EXPECT_EQ(y.metrics[Metric::TotalStates], x->metrics[Metric::TotalStates]) << key;
    EXPECT_EQ(y.metrics[Metric::PeakStates], x->metrics[Metric::PeakStates]) << key;
    EXPECT_EQ(y.test_run.status, x->test_run.status) << key;
    EXPECT_EQ(y.test_run.retval, x->test_run.retval) << key;
    EXPECT_EQ(y.test_run.data_out_hex, x->test_run.data_out_hex) << key;
    accepted += x->verdict == Verdict::Accepted;
  }
  // Most of the corpus loads on 6.1, so the whole-object path is really taken.
  EXPECT_GE(accepted, wp.size() / 2);
  fs::remove_all(dir);
}

namespace {

// The agent's lines on a guest's console, but for the one with its own wall time.
std::vector<std::string> agent_lines(const fs::path& console) {
  std::vector<std::string> out;
  std::ifstream in(console);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("vmtest: ", 0) == 0 && line.rfind("vmtest: done in ", 0) != 0)
      out.push_back(line);
  return out;
}

} // namespace

// The bundled corpus (test runs, presets, a rejection with its full log) and the fixups on a
// 6.1 guest with one vCPU and one worker, then with two of each: every program's outcome, the
// objects' order and the agent's progress lines on the console are the same.
TEST(LoaderE2E, TwoWorkersGiveWhatOneGives) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-workers-");
  auto run = [&](const std::string& cpus) {
    const fs::path out = dir / ("cpus" + cpus);
    return run_vmtest({"run", "--kernel", "6.1", "--corpus", bundled_dir().string(), "--corpus",
                       fixups_dir().string(), "--no-gate", "--no-capabilities", "--guest-cpus",
                       cpus, "--timeout", "600", "--out", out.string()},
                      out, std::chrono::seconds{900});
  };
  auto one = run("1");
  auto two = run("2");
  ASSERT_TRUE(one.has_results) << one.output;
  ASSERT_TRUE(two.has_results) << two.output;
  const KernelResult* a = one.results.find("6.1");
  const KernelResult* b = two.results.find("6.1");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->status, KernelStatus::Ok) << a->error;
  ASSERT_EQ(b->status, KernelStatus::Ok) << b->error;
  ASSERT_EQ(a->objects.size(), b->objects.size());
  for (size_t i = 0; i < a->objects.size(); ++i) {
    const ObjectResult& x = a->objects[i];
    const ObjectResult& y = b->objects[i];
    ASSERT_EQ(y.name, x.name) << "objects arrive in corpus order";
    EXPECT_EQ(y.error, x.error) << x.name;
    ASSERT_EQ(y.programs.size(), x.programs.size()) << x.name;
    for (size_t p = 0; p < x.programs.size(); ++p) {
      const ProgramResult& u = x.programs[p];
      const ProgramResult& v = y.programs[p];
      const std::string key = x.name + ":" + u.name;
      EXPECT_EQ(v.name, u.name) << key;
      EXPECT_EQ(v.verdict, u.verdict) << key;
      EXPECT_EQ(v.err, u.err) << key;
      EXPECT_EQ(v.metrics[Metric::InsnsProcessed], u.metrics[Metric::InsnsProcessed]) << key;
      EXPECT_EQ(v.metrics[Metric::PeakStates], u.metrics[Metric::PeakStates]) << key;
      EXPECT_EQ(v.test_run.status, u.test_run.status) << key;
      EXPECT_EQ(v.test_run.retval, u.test_run.retval) << key;
      EXPECT_EQ(v.test_run.data_out_hex, u.test_run.data_out_hex) << key;
      EXPECT_EQ(v.full_log.reason, u.full_log.reason) << key;
      EXPECT_EQ(v.full_log.level, u.full_log.level) << key;
    }
  }
  const auto lines_one = agent_lines(dir / "cpus1/kernels/6.1/console.log");
  EXPECT_GE(lines_one.size(), a->objects.size());
  EXPECT_EQ(agent_lines(dir / "cpus2/kernels/6.1/console.log"), lines_one);
  fs::remove_all(dir);
}

} // namespace vmtest::e2e
