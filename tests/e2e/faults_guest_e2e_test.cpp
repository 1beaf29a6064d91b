// Guest-side faults of issue 13, injected against the real CLI and a real Debian 6.1 guest:
// guest data that carries the results port's markers, a guest that times out mid-corpus,
// a qemu killed from outside mid-run, and one object too large for the default guest memory.
// Each case checks the exit code, the message, that no other object's or kernel's result is
// lost, and that no qemu process outlives the run.
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
// and still fails the run.
TEST_F(FaultsGuestE2E, TimeoutKeepsTheVerdictsReachedAndNamesTheRunningObject) {
  fs::path c = stalling_corpus();
  auto r = run_vmtest({"run", "--kernel", "6.1", "--corpus", c.string(), "--testrun",
                       (dir_ / "testrun").string(), "--timeout", "35", "--out", out_.string()},
                      out_);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Timeout) << k->error;
  EXPECT_EQ(k->running_object, "m_slow.bpf.o");
  EXPECT_NE(k->error.find("while running m_slow.bpf.o"), std::string::npos) << k->error;
  EXPECT_NE(r.output.find("m_slow.bpf.o"), std::string::npos) << r.output;
  const ProgramResult* before = find_program(*k, "a_good.bpf.o", "xdp_bpf_loop");
  ASSERT_NE(before, nullptr) << "the verdict reached before the timeout was lost";
  EXPECT_EQ(before->verdict, Verdict::Accepted);
  EXPECT_EQ(find_object(*k, "z_good.bpf.o"), nullptr) << "never reached, so never reported";
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

} // namespace vmtest::e2e
