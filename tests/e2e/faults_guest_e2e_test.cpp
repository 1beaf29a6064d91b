// SPDX-License-Identifier: BSD-2-Clause
// Guest-side faults of issue 13, injected against the real CLI and a real Debian 6.1 guest:
// guest data that carries the results port's markers, a guest that times out mid-corpus (and,
// issue 24, has a regression among the objects it reached), a qemu killed from outside mid-run,
// one object too large for the default guest memory, and vmtest itself stopped by SIGTERM or
// SIGKILL while its guest boots in a folder that holds an older run's results.
// Each case checks the exit code, the message, that no other object's or kernel's result is
// lost, and that no qemu process outlives the run.
#include "test_paths.h"
#include "core/file_lock.h"
#include "e2e_support.h"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <thread>

namespace vmtest::e2e {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

fs::path fault_object(const std::string& name) {
  return fs::path(VMTEST_BINARY_DIR) / "tests/bpf/faults" / (name + ".bpf.o");
}
fs::path corpus_object(const std::string& name) {
  return fs::path(VMTEST_BINARY_DIR) / "bpf/corpus" / (name + ".bpf.o");
}

// qemu processes whose command line names `dir` (their -serial files live under it). Other
// engineers' and other suites' VMs run on the same machine; only ours count.
std::vector<pid_t> qemus_under(const fs::path& dir, const std::string& also = "") {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.rfind("qemu-system", 0) != 0 && cmdline.find("/qemu-system") == std::string::npos)
      continue;
    if (cmdline.find(dir.string()) == std::string::npos) continue;
    if (!also.empty() && cmdline.find(also) == std::string::npos) continue;
    pids.push_back(static_cast<pid_t>(std::stol(pid)));
  }
  return pids;
}

// The vmtest process (not its qemu) whose command line names `dir`.
pid_t vmtest_pid(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.rfind(vmtest_bin().string() + '\0', 0) != 0) continue;
    if (cmdline.find(dir.string()) == std::string::npos) continue;
    return static_cast<pid_t>(std::stol(pid));
  }
  return -1;
}

std::string text_of(const fs::path& p) {
  auto r = read_file(p);
  return r ? *r : std::string();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
    ++n;
  return n;
}

const ObjectResult* find_object(const KernelResult& k, const std::string& name) {
  for (const auto& o : k.objects)
    if (o.name == name) return &o;
  return nullptr;
}

// An XDP case that keeps fault_slow_testrun busy for hours: 1M runs of ~1 s each.
constexpr const char* kSlowCase = R"(cases:
  - program: xdp_slow
    name: forever
    packet:
      ipv4: {src: 10.0.0.1, dst: 10.0.0.2}
      udp: {sport: 1, dport: 2}
    repeat: 1000000
)";

// A 6.1 baseline for the timeout test's corpus, made from the committed one: a_flip.bpf.o (the
// bundled iter_num, which 6.1 rejects) recorded as accepted, so verifying it now is a
// regression; the others as 6.1 verifies them.
nlohmann::json baseline_for_timeout_corpus() {
  auto committed = read_file(source_dir() / "bpf/baselines/6.1.json");
  EXPECT_TRUE(committed.ok());
  auto b = nlohmann::json::parse(*committed);
  const nlohmann::json loop = b["objects"]["bpf_loop.bpf.o"];
  nlohmann::json flip = b["objects"]["iter_num.bpf.o"];
  nlohmann::json& p = flip["programs"]["xdp_iter_num"];
  p["verdict"] = "accepted";
  p["errno"] = 0;
  nlohmann::json slow = loop;
  slow["programs"] = {{"xdp_slow", loop["programs"]["xdp_bpf_loop"]}};
  slow["sha256"] = "";
  b["objects"] = {{"a_flip.bpf.o", flip},
                  {"a_good.bpf.o", loop},
                  {"m_slow.bpf.o", slow},
                  {"z_good.bpf.o", loop}};
  return b;
}

} // namespace

class FaultsGuestE2E : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-faults-");
    out_ = dir_ / "out";
  }
  void TearDown() override {
    // Row 5 of the issue: whatever happened, no VM of this run is left behind.
    EXPECT_TRUE(qemus_under(dir_).empty()) << "a qemu process outlived the run";
    fs::remove_all(dir_);
  }

  // A corpus folder of copies: the file name is the object's name in the results.
  fs::path corpus(const std::vector<std::pair<std::string, fs::path>>& objects) {
    fs::path c = dir_ / "corpus";
    fs::create_directories(c);
    for (const auto& [name, src] : objects)
      fs::copy_file(src, c / name, fs::copy_options::overwrite_existing);
    return c;
  }
  // The stalling corpus: one good object before the slow one and one after it.
  fs::path stalling_corpus() {
    fs::path c = corpus({{"a_good.bpf.o", corpus_object("bpf_loop")},
                         {"m_slow.bpf.o", fault_object("fault_slow_testrun")},
                         {"z_good.bpf.o", corpus_object("bpf_loop")}});
    fs::create_directories(dir_ / "testrun");
    std::ofstream(dir_ / "testrun" / "m_slow.yaml") << kSlowCase;
    return c;
  }

  fs::path dir_, out_;
};

// Row 1: the old framing searched the port for its last "VMTEST-RESULTS-BEGIN", found the one
// quoted in the rejected program's log tail and threw the whole kernel's results away.
TEST_F(FaultsGuestE2E, FrameMarkersInGuestDataCannotSpoofTheReport) {
  fs::path c = corpus({{"a_good.bpf.o", corpus_object("bpf_loop")},
                       {"spoof.bpf.o", fault_object("fault_spoof_marker")},
                       {"z_good.bpf.o", corpus_object("bpf_loop")}});
  auto r = run_vmtest({"run", "--kernel", "6.1", "--corpus", c.string(), "--no-testrun",
                       "--log-lines", "40", "--out", out_.string()},
                      out_);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->status, KernelStatus::Ok) << k->error;
  ASSERT_EQ(k->objects.size(), 3u);
  const ProgramResult* bad = find_program(*k, "spoof.bpf.o", "xdp_spoof_rejected");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->verdict, Verdict::Rejected);
  // The markers really did travel through the port inside the report.
  EXPECT_NE(joined(bad->log_tail).find("/* VMTEST-RESULTS-BEGIN 7 */"), std::string::npos)
      << joined(bad->log_tail);
  auto raw = read_file(out_ / "kernels/6.1/results.out");
  ASSERT_TRUE(raw.ok());
  EXPECT_GE(count(*raw, "VMTEST-RESULTS-BEGIN 7"), 1u);
  // Nothing else was lost.
  const ProgramResult* ok = find_program(*k, "spoof.bpf.o", "xdp_spoof_ok");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->verdict, Verdict::Accepted);
  for (const char* name : {"a_good.bpf.o", "z_good.bpf.o"}) {
    const ProgramResult* p = find_program(*k, name, "xdp_bpf_loop");
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->verdict, Verdict::Accepted) << name;
  }
}

// Row 2: a guest that times out keeps every verdict it streamed, names the object it was on,
// and still fails the run. Issue 24: the verdicts it reached are judged too. A regression among
// them (a_flip) makes the run exit 1 and names the program; the objects it never reached are
// listed as not verified; `gate`, `report` and every format say the same.
TEST_F(FaultsGuestE2E, TimeoutJudgesTheVerdictsReachedAndNamesTheRunningObject) {
  fs::path c = stalling_corpus();
  fs::copy_file(corpus_object("iter_num"), c / "a_flip.bpf.o");
  const fs::path baselines = dir_ / "baselines";
  fs::create_directories(baselines);
  std::ofstream(baselines / "6.1.json") << baseline_for_timeout_corpus().dump(2);
  auto r = run_vmtest({"run", "--kernel", "6.1", "--corpus", c.string(), "--testrun",
                       (dir_ / "testrun").string(), "--baselines", baselines.string(),
                       "--timeout", "35", "--out", out_.string()},
                      out_);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Timeout) << k->error;
  EXPECT_EQ(k->running_object, "m_slow.bpf.o");
  EXPECT_NE(k->error.find("while running m_slow.bpf.o"), std::string::npos) << k->error;
  EXPECT_NE(r.output.find("m_slow.bpf.o"), std::string::npos) << r.output;
  const ProgramResult* before = find_program(*k, "a_good.bpf.o", "xdp_bpf_loop");
  ASSERT_NE(before, nullptr) << "the verdict reached before the timeout was lost";
  EXPECT_EQ(before->verdict, Verdict::Accepted);
  const ProgramResult* flipped = find_program(*k, "a_flip.bpf.o", "xdp_iter_num");
  ASSERT_NE(flipped, nullptr);
  EXPECT_EQ(flipped->verdict, Verdict::Rejected);
  EXPECT_EQ(find_object(*k, "z_good.bpf.o"), nullptr) << "never reached, so never reported";

  const std::string regression = "FAIL  6.1 a_flip.bpf.o/xdp_iter_num: accepted -> rejected";
  const std::string unreached =
      "ERROR 6.1 z_good.bpf.o/xdp_bpf_loop: not verified (kernel timed out at m_slow.bpf.o)";
  EXPECT_NE(r.output.find(regression), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(unreached), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ERROR 6.1 m_slow.bpf.o/xdp_slow: not verified"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("0 programs on 0 kernels"), std::string::npos) << r.output;

  // The same verdict from the results file, in every format.
  const std::string results = (out_ / "results.json").string();
  auto g = run_vmtest({"gate", results, "--baselines", baselines.string(), "--junit",
                       (dir_ / "j.xml").string(), "--markdown", (dir_ / "s.md").string()},
                      dir_ / "none");
  EXPECT_EQ(g.exit_code, 1) << g.output;
  EXPECT_NE(g.output.find(regression), std::string::npos) << g.output;
  auto rep = run_vmtest({"report", results, "--baselines", baselines.string(), "--html",
                         (dir_ / "r.html").string()},
                        dir_ / "none");
  EXPECT_EQ(rep.exit_code, 1) << rep.output;
  const std::string junit = text_of(dir_ / "j.xml");
  EXPECT_NE(junit.find("name=\"xdp_iter_num\""), std::string::npos);
  EXPECT_NE(junit.find("<failure message=\"accepted -&gt; rejected"), std::string::npos) << junit;
  const std::string md = text_of(dir_ / "s.md");
  EXPECT_NE(md.find("xdp_iter_num"), std::string::npos) << md;
  EXPECT_NE(md.find("regressed"), std::string::npos) << md;
  for (const fs::path& html : {out_ / "report.html", dir_ / "r.html"}) {
    const std::string page = text_of(html);
    EXPECT_NE(page.find("a_flip.bpf.o"), std::string::npos) << html;
    EXPECT_NE(page.find("data-exit-code=\"1\""), std::string::npos) << html;
    EXPECT_NE(page.find("st-not-verified"), std::string::npos) << html;
  }
}

// Row 3: qemu killed from outside after real work is "killed", with the signal, not a boot
// failure; the other kernel of the run and the verdicts already streamed are kept.
TEST_F(FaultsGuestE2E, QemuKilledBySignalIsKilledAndKeepsWhatWasDone) {
  fs::path c = stalling_corpus();
  Command cmd;
  cmd.argv = {vmtest_bin().string(),
              "run",
              "--kernel",
              "5.10",
              "--kernel",
              "6.1",
              "--jobs",
              "2",
              "--corpus",
              c.string(),
              "--testrun",
              (dir_ / "testrun").string(),
              "--timeout",
              "300",
              "--out",
              out_.string()};
  cmd.cwd = source_dir();
  cmd.stdout_path = dir_ / "vmtest.log";
  setenv("VMTEST_BUILD_DIR", VMTEST_BINARY_DIR, 1);
  SubprocessRunner runner;
  auto proc = runner.start(cmd);
  ASSERT_TRUE(proc.ok()) << proc.error().str();

  // Kill 6.1's qemu once its guest has streamed the first object and started the slow one.
  const fs::path port = out_ / "kernels/6.1/results.out";
  bool killed = false;
  for (auto t0 = std::chrono::steady_clock::now();
       std::chrono::steady_clock::now() - t0 < 240s && !killed;
       std::this_thread::sleep_for(200ms)) {
    auto raw = read_file(port);
    if (!raw || raw->find("\"name\":\"m_slow.bpf.o\"") == std::string::npos) continue;
    for (pid_t pid : qemus_under(dir_, "kernels/6.1/"))
      killed |= ::kill(pid, SIGKILL) == 0;
  }
  ExitStatus st = (*proc)->wait(std::chrono::milliseconds{300'000});
  ASSERT_TRUE(killed) << "6.1's guest never reached the slow object\n"
                      << text_of(dir_ / "vmtest.log");
  const std::string output = text_of(dir_ / "vmtest.log");
  EXPECT_EQ(st.exit_code, 2) << output;
  auto text = read_file(out_ / "results.json");
  ASSERT_TRUE(text.ok()) << output;
  auto results = nlohmann::json::parse(*text).get<RunResults>();

  const KernelResult* k = results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Killed) << k->error;
  EXPECT_NE(k->error.find("killed by SIGKILL"), std::string::npos) << k->error;
  EXPECT_NE(output.find("killed by SIGKILL"), std::string::npos) << output;
  EXPECT_EQ(k->running_object, "m_slow.bpf.o");
  const ProgramResult* before = find_program(*k, "a_good.bpf.o", "xdp_bpf_loop");
  ASSERT_NE(before, nullptr) << "the verdict reached before the kill was lost";
  EXPECT_EQ(before->verdict, Verdict::Accepted);

  // 5.10 has no bpf_loop: it rejects all three objects quickly and finishes on its own.
  const KernelResult* other = results.find("5.10");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->status, KernelStatus::Ok) << other->error;
  EXPECT_EQ(other->objects.size(), 3u);
}

// Row 4: one 200 MB object. In a 512 MB guest the kernel could not unpack the image
// ("Initramfs unpacking failed: write error"), yet the run said ok and every later object read
// "No such file or directory". The guest is now sized from its image.
TEST_F(FaultsGuestE2E, OneHugeObjectGetsAGuestLargeEnoughAndEveryObjectIsVerified) {
  fs::path c = corpus(
      {{"a_good.bpf.o", corpus_object("bpf_loop")}, {"z_good.bpf.o", corpus_object("bpf_loop")}});
  {
    // A real BPF object with 200 MB of padding after its last section: still a valid ELF
    // that libbpf opens, and as large as the object of the report.
    fs::copy_file(corpus_object("bpf_loop"), c / "m_huge.bpf.o");
    std::ofstream pad(c / "m_huge.bpf.o", std::ios::binary | std::ios::app);
    const std::string block(1 << 20, '\0');
    for (int i = 0; i < 200; ++i)
      pad.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  auto r = run_vmtest(
      {"run", "--kernel", "6.1", "--corpus", c.string(), "--no-testrun", "--out", out_.string()},
      out_);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("guest memory raised to"), std::string::npos) << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->status, KernelStatus::Ok) << k->error;
  auto console = read_file(out_ / "kernels/6.1/console.log");
  ASSERT_TRUE(console.ok());
  EXPECT_EQ(console->find("Initramfs unpacking failed"), std::string::npos);
  ASSERT_EQ(k->objects.size(), 3u);
  for (const auto& o : k->objects) {
    EXPECT_TRUE(o.error.empty()) << o.name << ": " << o.error;
    const ProgramResult* p = find_program(*k, o.name, "xdp_bpf_loop");
    ASSERT_NE(p, nullptr) << o.name;
    EXPECT_EQ(p->verdict, Verdict::Accepted) << o.name;
  }
}

// Issue 24, cancellation. GitHub cancels a job with SIGINT, then SIGTERM, then SIGKILL. vmtest
// is started in a folder that holds an older run's (green) results, boots 6.1 with 5.10 queued
// behind it (--jobs 1), and gets SIGTERM while the guest boots: no qemu may survive, the locks
// are free, results.json is this run's and marks both kernels interrupted, and the older run's
// results are no longer under the trusted names.
TEST_F(FaultsGuestE2E, SigtermMidBootStopsEveryQemuAndRecordsTheKernelsInterrupted) {
  fs::path c = stalling_corpus();
  fs::create_directories(out_);
  const std::string older = "{\"an older run\": \"clean\"}\n";
  std::ofstream(out_ / "results.json") << older;
  std::ofstream(out_ / "report.html") << "<p>an older run: clean</p>\n";
  Command cmd;
  cmd.argv = {vmtest_bin().string(), "run", "--kernel", "6.1", "--kernel", "5.10", "--jobs", "1",
              "--corpus", c.string(), "--testrun", (dir_ / "testrun").string(), "--timeout", "300",
              "--out", out_.string()};
  cmd.cwd = source_dir();
  cmd.stdout_path = dir_ / "vmtest.log";
  setenv("VMTEST_BUILD_DIR", VMTEST_BINARY_DIR, 1);
  SubprocessRunner runner;
  auto proc = runner.start(cmd);
  ASSERT_TRUE(proc.ok()) << proc.error().str();

  // Mid-boot: 6.1's qemu runs and its console has begun.
  bool booting = false;
  for (auto t0 = std::chrono::steady_clock::now();
       std::chrono::steady_clock::now() - t0 < 240s && !booting;
       std::this_thread::sleep_for(100ms)) {
    auto console = read_file(out_ / "kernels/6.1/console.log");
    booting = !qemus_under(dir_, "kernels/6.1/").empty() && console && !console->empty();
  }
  ASSERT_TRUE(booting) << text_of(dir_ / "vmtest.log");
  // The signal goes to vmtest alone, as `kill PID` from a runner would send it.
  const pid_t vmtest = vmtest_pid(dir_);
  ASSERT_GT(vmtest, 0);
  ASSERT_EQ(::kill(vmtest, SIGTERM), 0);
  const auto sent = std::chrono::steady_clock::now();
  ExitStatus st = (*proc)->wait(std::chrono::milliseconds{120'000});
  const std::string output = text_of(dir_ / "vmtest.log");
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 60s) << output;
  EXPECT_EQ(st.term_signal, 0) << output;
  EXPECT_EQ(st.exit_code, 2) << output;
  EXPECT_TRUE(qemus_under(dir_).empty()) << "a qemu outlived the cancelled run";
  EXPECT_NE(output.find("interrupted by SIGTERM: stopping every VM"), std::string::npos)
      << output;

  auto text = read_file(out_ / "results.json");
  ASSERT_TRUE(text.ok()) << output;
  EXPECT_EQ(text->find("an older run"), std::string::npos) << "the older run's results remain";
  auto results = nlohmann::json::parse(*text).get<RunResults>();
  const KernelResult* k = results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Interrupted) << k->error;
  EXPECT_NE(k->error.find("interrupted by SIGTERM"), std::string::npos) << k->error;
  const KernelResult* queued = results.find("5.10");
  ASSERT_NE(queued, nullptr);
  EXPECT_EQ(queued->status, KernelStatus::Interrupted) << queued->error;
  EXPECT_NE(queued->error.find("not started: interrupted by SIGTERM"), std::string::npos)
      << queued->error;
  EXPECT_NE(output.find("interrupted"), std::string::npos) << output;
  EXPECT_EQ(text_of(out_ / ".previous/results.json"), older);
  EXPECT_EQ(text_of(out_ / "report.html").find("an older run"), std::string::npos);
  // The locks went with the run.
  EXPECT_TRUE(FileLock::try_acquire(out_ / ".vmtest.lock", "output folder").ok());
}

// SIGKILL cannot be caught: the qemu children die with vmtest (PR_SET_PDEATHSIG), and the older
// run's results.json, moved away at the start, is not there to be mistaken for this run's.
TEST_F(FaultsGuestE2E, SigkillOfVmtestTakesItsQemuWithIt) {
  fs::path c = stalling_corpus();
  fs::create_directories(out_);
  std::ofstream(out_ / "results.json") << "{\"an older run\": \"clean\"}\n";
  Command cmd;
  cmd.argv = {vmtest_bin().string(), "run", "--kernel", "6.1", "--corpus", c.string(),
              "--testrun", (dir_ / "testrun").string(), "--timeout", "300", "--out",
              out_.string()};
  cmd.cwd = source_dir();
  cmd.stdout_path = dir_ / "vmtest.log";
  setenv("VMTEST_BUILD_DIR", VMTEST_BINARY_DIR, 1);
  SubprocessRunner runner;
  auto proc = runner.start(cmd);
  ASSERT_TRUE(proc.ok()) << proc.error().str();
  bool booting = false;
  for (auto t0 = std::chrono::steady_clock::now();
       std::chrono::steady_clock::now() - t0 < 240s && !booting;
       std::this_thread::sleep_for(100ms))
    booting = !qemus_under(dir_, "kernels/6.1/").empty();
  ASSERT_TRUE(booting) << text_of(dir_ / "vmtest.log");
  const pid_t vmtest = vmtest_pid(dir_);
  ASSERT_GT(vmtest, 0);
  ASSERT_EQ(::kill(vmtest, SIGKILL), 0);
  ExitStatus st = (*proc)->wait(std::chrono::milliseconds{30'000});
  EXPECT_EQ(st.term_signal, SIGKILL);
  bool gone = false;
  for (auto t0 = std::chrono::steady_clock::now();
       std::chrono::steady_clock::now() - t0 < 10s && !gone; std::this_thread::sleep_for(50ms))
    gone = qemus_under(dir_).empty();
  EXPECT_TRUE(gone) << "qemu outlived a SIGKILLed vmtest";
  EXPECT_FALSE(fs::exists(out_ / "results.json")) << "a results.json a gate would trust";
}

} // namespace vmtest::e2e

