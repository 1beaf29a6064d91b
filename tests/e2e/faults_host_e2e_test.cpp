// SPDX-License-Identifier: BSD-2-Clause
// Host-side faults (issue 13), each injected by hand against the real CLI: two runs sharing a
// fresh cache, two runs sharing an output folder, damaged cache entries, symlink loops in the
// cache and the corpus, two url rows with one vmlinuz, and a full disk under the cache and the
// results. Kernels come from the Debian 6.1 image the matrix suite caches, served from
// loopback as url rows, so only the concurrent case downloads anything (through apt, into a
// fresh cache: that is the path that used to fail). Every case checks the exit code, the
// message, that no other result was lost, and that no qemu it started is still running.
#include "test_paths.h"
#include "core/file_lock.h"
#include "core/sha256.h"
#include "e2e_support.h"
#include "loopback.h"
#include "kernel/kernel_image.h"

#include <arpa/inet.h>
#include <fstream>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/mount.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace vmtest::e2e {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// python3's http.server over `root` on a free loopback port, for the life of the object.
class HttpServer {
public:
  HttpServer(const fs::path& root, const fs::path& log) : port_(free_port()) {
    Command c;
    c.argv = {"/usr/bin/python3", "-m",        "http.server", std::to_string(port_),
              "--bind",           "127.0.0.1", "--directory", root.string()};
    c.stdout_path = log;
    auto p = runner_.start(c);
    if (!p) {
      ADD_FAILURE() << p.error().str();
      return;
    }
    proc_ = std::move(*p);
    for (auto deadline = std::chrono::steady_clock::now() + 15s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(50ms))
      if (port_open(port_)) return;
    ADD_FAILURE() << "http.server did not come up";
  }
  ~HttpServer() { stop(); }
  void stop() {
    if (proc_) {
      proc_->kill();
      proc_->wait(5s);
      proc_.reset();
    }
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
  SubprocessRunner runner_;
  std::unique_ptr<Process> proc_;
  int port_;
};

// qemu processes whose command line mentions `dir` (our cache or output folders): other
// engineers' and CI jobs' guests on the same machine are not ours to count.
std::vector<std::string> qemu_running_under(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmd = read_file(e.path() / "cmdline");
    if (!cmd) continue;
    std::string line = *cmd;
    std::replace(line.begin(), line.end(), '\0', ' ');
    if (line.find("qemu-system") != std::string::npos &&
        line.find(dir.string()) != std::string::npos)
      out.push_back(pid + ": " + line);
  }
  return out;
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1))
    ++n;
  return n;
}

} // namespace

class FaultsHostE2E : public ::testing::Test {
protected:
  // The real Debian 6.1 kernel (a cache hit once the matrix suite has run).
  static void SetUpTestSuite() {
    auto m = load_matrix(source_dir() / "kernels/matrix.yaml",
                         source_dir() / "kernels/matrix.lock.json");
    ASSERT_TRUE(m.ok()) << m.error().str();
    SubprocessRunner runner;
    FetchContext ctx;
    ctx.cache_dir = default_cache_dir();
    ctx.runner = &runner;
    auto got = fetch_row(*m->find("6.1"), ctx);
    ASSERT_EQ(got.status, FetchStatus::fetched) << got.reason << got.error.str();
    vmlinuz_ = new std::string(*read_file(got.image->vmlinuz));
  }
  static void TearDownTestSuite() { delete vmlinuz_; }

  void SetUp() override {
    ASSERT_NE(vmlinuz_, nullptr);
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-faults-host-");
    // One object keeps each boot short; bpf_loop is accepted on 6.1.
    fs::create_directories(dir_ / "corpus");
    fs::copy_file(fs::path(VMTEST_BINARY_DIR) / "bpf/corpus/bpf_loop.bpf.o",
                  dir_ / "corpus/bpf_loop.bpf.o");
  }
  void TearDown() override {
    EXPECT_TRUE(qemu_running_under(dir_).empty()) << joined(qemu_running_under(dir_));
    for (const auto& m : mounts_)
      ::umount2(m.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }

  // www/vmlinuz (a bare bzImage) and www/k.tar (a tarball holding the same bzImage), served
  // as rows "a" and "b" of a matrix in dir_.
  std::unique_ptr<HttpServer> serve_two_url_rows() {
    const fs::path www = dir_ / "www", boot = dir_ / "tarroot/boot";
    fs::create_directories(www);
    fs::create_directories(boot);
    std::ofstream(www / "vmlinuz", std::ios::binary) << *vmlinuz_;
    std::ofstream(boot / "vmlinuz-6.1.0-56-cloud-amd64", std::ios::binary) << *vmlinuz_;
    SubprocessRunner r;
    Command tar;
    tar.argv = {"tar", "-cf", (www / "k.tar").string(), "-C", (dir_ / "tarroot").string(), "boot"};
    auto st = r.run(tar, 60000ms);
    EXPECT_TRUE(st && st->success());
    auto server = std::make_unique<HttpServer>(www, dir_ / "http.log");
    const std::string sha_a = sha256_hex(*vmlinuz_), sha_b = *sha256_file(www / "k.tar");
    std::ofstream(dir_ / "matrix.yaml")
        << "kernels:\n"
        << "  - name: a\n    description: bare bzImage\n    source:\n      url: {url: \""
        << server->base() << "/vmlinuz\", sha256: " << sha_a << "}\n"
        << "  - name: b\n    description: tarball\n    source:\n      url: {url: \""
        << server->base() << "/k.tar\", sha256: " << sha_b << "}\n";
    std::ofstream(dir_ / "matrix.lock.json") << R"({"format": 2, "kernels": {}})";
    return server;
  }
  std::vector<std::string> matrix_args(const fs::path& cache) {
    return {"--matrix", (dir_ / "matrix.yaml").string(),
            "--lock",   (dir_ / "matrix.lock.json").string(),
            "--cache",  cache.string()};
  }
  CliRun kernels(const std::string& verb, const fs::path& cache) {
    std::vector<std::string> args = {"kernels", verb};
    for (auto& a : matrix_args(cache))
      args.push_back(a);
    return run_vmtest(args, dir_ / "none");
  }
  CliRun run(const std::string& kernel, const fs::path& cache, const fs::path& out) {
    std::vector<std::string> args = {
        "run", "--kernel", kernel, "--corpus", (dir_ / "corpus").string(), "--out", out.string()};
    for (auto& a : matrix_args(cache))
      args.push_back(a);
    return run_vmtest(args, out);
  }
  // A tmpfs of `bytes` at `where` (root only); false when mounting is not allowed here.
  bool small_disk(const fs::path& where, size_t bytes) {
    fs::create_directories(where);
    const std::string opts = "size=" + std::to_string(bytes);
    if (::mount("tmpfs", where.c_str(), "tmpfs", 0, opts.c_str()) != 0) return false;
    mounts_.push_back(where);
    return true;
  }
  static void expect_bpf_loop_accepted(const CliRun& r, const std::string& kernel) {
    ASSERT_TRUE(r.has_results) << r.output;
    const KernelResult* k = r.results.find(kernel);
    ASSERT_NE(k, nullptr) << r.output;
    EXPECT_EQ(k->status, KernelStatus::Ok) << k->error << "\n" << joined(k->console_tail);
    const ProgramResult* p = find_program(*k, "bpf_loop.bpf.o", "xdp_bpf_loop");
    ASSERT_NE(p, nullptr) << r.output;
    EXPECT_EQ(p->verdict, Verdict::Accepted) << joined(p->log_tail);
  }
  size_t entries(const fs::path& cache) {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache / "kernels", ec))
      n += e.path().filename().string()[0] != '.';
    return n;
  }

  static std::string* vmlinuz_;
  fs::path dir_;
  std::vector<fs::path> mounts_;
};
std::string* FaultsHostE2E::vmlinuz_ = nullptr;

// Row 1: two runs at once on a cache that holds nothing yet, so both need apt (private state
// under the cache) and the same cache entry. Both must succeed; the second waits, and says so.
TEST_F(FaultsHostE2E, TwoRunsOnAFreshCacheBothSucceedAndTheSecondSaysItWaits) {
  const fs::path cache = dir_ / "fresh-cache";
  auto start = [&](const std::string& out) {
    Command c;
    c.argv = {
        vmtest_bin().string(),      "run",     "--kernel",     "6.1",   "--corpus",
        (dir_ / "corpus").string(), "--cache", cache.string(), "--out", (dir_ / out).string()};
    c.cwd = source_dir();
    c.stdout_path = dir_ / (out + ".log"); // stderr too: that is where progress goes
    return c;
  };
  SubprocessRunner runner;
  auto a = runner.start(start("out-a"));
  auto b = runner.start(start("out-b"));
  ASSERT_TRUE(a && b);
  auto sa = (*a)->wait(600s), sb = (*b)->wait(600s);
  const std::string la = *read_file(dir_ / "out-a.log"), lb = *read_file(dir_ / "out-b.log");
  EXPECT_EQ(sa.exit_code, 0) << sa.describe() << "\n" << la;
  EXPECT_EQ(sb.exit_code, 0) << sb.describe() << "\n" << lb;
  EXPECT_EQ(la.find("Could not get lock"), std::string::npos) << la;
  EXPECT_EQ(lb.find("Could not get lock"), std::string::npos) << lb;
  // The fetch takes seconds (apt update, download); the two start within milliseconds, so one
  // of them waits, once, and names what it waits for.
  EXPECT_EQ(count(la + lb, "waiting for another vmtest"), 1u) << la << "\n----\n" << lb;
  EXPECT_NE((la + lb).find("to finish with kernel '6.1'"), std::string::npos) << la << lb;
  EXPECT_EQ(entries(cache), 1u);
  for (const auto& out : {"out-a", "out-b"}) {
    CliRun r;
    auto text = read_file(dir_ / out / "results.json");
    ASSERT_TRUE(text.ok()) << out;
    r.results = json::parse(*text).get<RunResults>();
    r.has_results = true;
    expect_bpf_loop_accepted(r, "6.1");
  }
}

// Row 1, second half: a run whose output folder another vmtest is writing stops at once with
// exit 2 and a message naming the folder and the holder; the holder's files are untouched.
TEST_F(FaultsHostE2E, ASecondRunIntoABusyOutputFolderIsRefusedClearly) {
  auto server = serve_two_url_rows();
  const fs::path out = dir_ / "out";
  fs::create_directories(out);
  std::ofstream(out / "results.json") << "the other run's results\n";
  // This test process plays the other vmtest: it holds the folder's lock.
  auto held = FileLock::try_acquire(out / ".vmtest.lock", "output folder");
  ASSERT_TRUE(held.ok()) << held.error().str();
  std::vector<std::string> args = {
      "run", "--kernel", "a", "--corpus", (dir_ / "corpus").string(), "--out", out.string()};
  for (auto& a : matrix_args(dir_ / "cache"))
    args.push_back(a);
  auto r = run_vmtest(args, dir_ / "none"); // out/results.json is the other run's, not JSON
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("output folder " + out.string() + " is in use by another vmtest (pid " +
                          std::to_string(::getpid()) + "); pass another --out"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(*read_file(out / "results.json"), "the other run's results\n");
  EXPECT_EQ(entries(dir_ / "cache"), 0u) << "refused before fetching anything";
}

// Rows 2 and 3: damaged entries and symlink loops. Inspecting never deletes; verify names
// every damaged slot and fails; a run replaces the damaged entry, says so once, and walks a
// corpus with symlink loops; nothing aborts.
TEST_F(FaultsHostE2E, DamagedEntriesAndSymlinkLoopsAreReportedNotDeletedAndReplacedOnce) {
  auto server = serve_two_url_rows();
  const fs::path cache = dir_ / "cache", kdir = cache / "kernels";
  auto fetched = kernels("fetch", cache);
  ASSERT_EQ(fetched.exit_code, 0) << fetched.output;
  const fs::path entry = kdir / sha256_hex(*vmlinuz_);
  ASSERT_TRUE(fs::exists(entry / "image.json"));

  // The damage: an entry without image.json, an entry whose vmlinuz is not what its name
  // says, a symlink loop, in the cache; a folder loop and a file loop in the corpus.
  fs::remove(entry / "image.json");
  const fs::path rotten = kdir / std::string(64, 'b');
  fs::create_directories(rotten);
  std::ofstream(rotten / "vmlinuz") << "bit rot";
  std::ofstream(rotten / "image.json") << R"({"row": "x", "origin": "hand-made"})";
  fs::create_directory_symlink(kdir / "loop", kdir / "loop");
  fs::create_directory_symlink(dir_ / "corpus", dir_ / "corpus/again");
  fs::create_symlink(dir_ / "corpus/self.o", dir_ / "corpus/self.o");

  auto list = kernels("list", cache);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_TRUE(fs::exists(entry / "vmlinuz")) << "an inspect command deleted a cache entry";
  EXPECT_TRUE(fs::exists(rotten / "vmlinuz")) << "an inspect command deleted a cache entry";

  auto verify = kernels("verify", cache);
  EXPECT_EQ(verify.exit_code, 2) << verify.output;
  EXPECT_NE(verify.output.find("DAMAGED " + sha256_hex(*vmlinuz_) + " no readable image.json"),
            std::string::npos)
      << verify.output;
  EXPECT_NE(verify.output.find("DAMAGED " + std::string(64, 'b') + " vmlinuz sha256 mismatch"),
            std::string::npos)
      << verify.output;
  EXPECT_NE(verify.output.find("DAMAGED loop cannot reach it: Too many levels of symbolic links"),
            std::string::npos)
      << verify.output;
  EXPECT_NE(verify.output.find("3 entries, 3 damaged"), std::string::npos) << verify.output;
  EXPECT_EQ(verify.output.find("terminate called"), std::string::npos) << verify.output;

  const fs::path out = dir_ / "out";
  auto r = run("a", cache, out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(count(r.output, "replaced a damaged cache entry"), 1u) << r.output;
  EXPECT_NE(r.output.find("replaced a damaged cache entry (no readable image.json"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("again: skipped, already visited"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("self.o: skipped (Too many levels of symbolic links)"), std::string::npos)
      << r.output;
  expect_bpf_loop_accepted(r, "a");

  // The replaced entry is sound again; the other damage is still reported, not deleted.
  auto after = kernels("verify", cache);
  EXPECT_EQ(after.exit_code, 2) << after.output;
  EXPECT_NE(after.output.find("ok      " + sha256_hex(*vmlinuz_)), std::string::npos)
      << after.output;
  EXPECT_NE(after.output.find("3 entries, 2 damaged"), std::string::npos) << after.output;
}

// A vmtest killed mid-fetch leaves its staging folder (the download, its released lock).
// Inspecting reports it and keeps it; the next fetch removes it and says so.
TEST_F(FaultsHostE2E, AKilledFetchsLeftoversAreReportedThenSweptByTheNextFetch) {
  auto server = serve_two_url_rows();
  const fs::path cache = dir_ / "cache", stale = cache / "kernels" / ".tmp-killed";
  fs::create_directories(stale / "download");
  std::ofstream(stale / "download" / "vmlinuz", std::ios::binary) << std::string(3 << 20, 'x');
  std::ofstream(stale / ".staging.lock") << "4242\n";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(2));

  auto verify = kernels("verify", cache);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("LEFTOVER .tmp-killed 3 MiB"), std::string::npos) << verify.output;
  EXPECT_TRUE(fs::exists(stale / "download" / "vmlinuz")) << "an inspect command deleted it";

  auto fetched = kernels("fetch", cache);
  EXPECT_EQ(fetched.exit_code, 0) << fetched.output;
  EXPECT_EQ(count(fetched.output, "removed 1 staging folder(s) left by an interrupted fetch (3 MiB)"),
            1u)
      << fetched.output;
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(entries(cache), 1u);
}

// Row 4: two url rows whose downloads differ but hold one vmlinuz share one entry, and each
// keeps its own provenance; each is a cache hit afterwards (with the server gone).
TEST_F(FaultsHostE2E, TwoUrlRowsWithOneVmlinuzEachKeepTheirOwnProvenance) {
  auto server = serve_two_url_rows();
  const fs::path cache = dir_ / "cache";
  const std::string base = server->base();
  auto first = kernels("fetch", cache);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("(url: url " + base + "/vmlinuz)"), std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("(url: url " + base + "/k.tar)"), std::string::npos) << first.output;
  EXPECT_EQ(entries(cache), 1u);
  auto info = json::parse(*read_file(cache / "kernels" / sha256_hex(*vmlinuz_) / "image.json"));
  ASSERT_EQ(info["sources"].size(), 2u) << info.dump(2);
  EXPECT_EQ(info["sources"][0]["origin"], "url " + base + "/vmlinuz");
  EXPECT_EQ(info["sources"][1]["origin"], "url " + base + "/k.tar");
  EXPECT_EQ(info["sources"][1]["row"], "b");

  server->stop();
  auto again = kernels("fetch", cache);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(count(again.output, " cached "), 2u) << again.output;
  EXPECT_NE(again.output.find("(url: url " + base + "/k.tar)"), std::string::npos) << again.output;
}

// Row 5: a full disk. Under the cache, the download fails with the path and ENOSPC, and
// nothing is left that a later run could trust; under the results, `run` fails with exit 2,
// the path and ENOSPC, and leaves no half-written results.json, nor an older run's.
TEST_F(FaultsHostE2E, AFullDiskNamesThePathAndLeavesNothingHalfWritten) {
  auto server = serve_two_url_rows();
  const fs::path cache = dir_ / "small-cache";
  if (!small_disk(cache, 1 << 20)) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  auto r = kernels("fetch", cache);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(cache.string()), std::string::npos) << r.output;
  std::error_code ec;
  size_t left = 0;
  for (const auto& e : fs::directory_iterator(cache / "kernels", ec)) {
    (void)e;
    ++left;
  }
  EXPECT_EQ(left, 0u) << "no entry and no staging directory may be left behind";

  const fs::path out = dir_ / "small-out";
  ASSERT_TRUE(small_disk(out, 64 << 10));
  // An older run's green results in the folder (issue 24): the full disk must not leave them
  // under the names a gate reads.
  std::ofstream(out / "results.json") << "{\"an older run\": \"clean\"}\n";
  std::ofstream(out / "report.html") << "<p>an older run: clean</p>\n";
  { std::ofstream(out / "filler") << std::string(64 << 10, 'x'); } // fills it to the last block
  fs::create_directories(dir_ / "empty-corpus");
  std::vector<std::string> args = {
      "run", "--kernel", "a", "--corpus", (dir_ / "empty-corpus").string(), "--out", out.string()};
  for (auto& a : matrix_args(dir_ / "cache"))
    args.push_back(a);
  auto w = run_vmtest(args, out);
  EXPECT_EQ(w.exit_code, 2) << w.output;
  EXPECT_NE(w.output.find("cannot write results"), std::string::npos) << w.output;
  EXPECT_NE(w.output.find((out / "results.json").string()), std::string::npos) << w.output;
  EXPECT_NE(w.output.find("No space left on device"), std::string::npos) << w.output;
  EXPECT_FALSE(w.has_results);
  EXPECT_FALSE(fs::exists(out / "results.json")) << "the older run's results are still trusted";
  EXPECT_FALSE(fs::exists(out / "report.html"));
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_TRUE(e.path().filename() == "filler" || e.path().filename() == ".vmtest.lock" ||
                e.path().filename() == ".previous")
        << "left behind: " << e.path();
}

} // namespace vmtest::e2e
