// SPDX-License-Identifier: BSD-2-Clause
// The debian source when pins outlive the archive, against REAL servers on loopback: python's
// http.server over one tree that plays a Debian mirror (a real apt repository: Packages,
// a Release signed with a throwaway gpg key, the keyring given as $VMTEST_DEBIAN_KEYRING) and
// Debian's snapshot archive (/file/<sha1>). The real apt runs against the mirror; the real
// 6.1 package, at the committed lock's pin, is what the "snapshot" serves and what boots.
//  - the mirror dropped 6.1's pinned version: a cold-cache run boots it from the snapshot,
//    checked against deb_sha256, and gates clean against the committed 6.1 baseline;
//  - a tampered snapshot file is refused and named;
//  - a root with no Debian apt sources ($VMTEST_APT_ETC pointed at an empty apt config: the
//    decision the code makes on Ubuntu or Fedora, not a whole other distribution) goes
//    straight to the snapshot archive and never runs apt;
//  - a canary row boots the newer package the mirror publishes, records it in the lock, and
//    its changes are warnings in the gate's verdict (and a failure under `canary: fail`).
#include "core/sha256.h"
#include "e2e_support.h"
#include "kernel/apt_source.h"
#include "kernel/lock_file.h"
#include "kernel/snapshot_archive.h"
#include "loopback.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace vmtest::e2e {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

Result<ExitStatus> run(std::vector<std::string> argv, const fs::path& cwd = {},
                       std::chrono::seconds timeout = 120s) {
  SubprocessRunner r;
  Command c;
  c.argv = std::move(argv);
  c.cwd = cwd;
  return r.run(c, std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
}

void write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// python3's http.server over `root` on a free port, for one test.
class HttpServer {
public:
  HttpServer(const fs::path& root, const fs::path& log) : port_(free_port()) {
    Command c;
    c.argv = {"/usr/bin/python3", "-m", "http.server", std::to_string(port_), "--bind",
              "127.0.0.1", "--directory", root.string()};
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
    ADD_FAILURE() << "http.server did not come up on port " << port_;
  }
  ~HttpServer() {
    if (proc_) {
      proc_->kill();
      proc_->wait(5s);
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
  SubprocessRunner runner_;
  std::unique_ptr<Process> proc_;
  int port_;
};

struct Published {
  std::string package, version, filename, deb; // deb: the bytes, served at filename
};

} // namespace

class DebianSourceE2E : public ::testing::Test {
protected:
  // The committed 6.1 pin and its real .deb, fetched once by the pool path the lock records
  // from the machine's own mirror (the matrix suite needs that mirror anyway).
  static void SetUpTestSuite() {
    auto lock = load_lock(source_dir() / "kernels/matrix.lock.json");
    ASSERT_TRUE(lock.ok()) << lock.error().str();
    pin_ = new json(lock->find("6.1", "debian"));
    ASSERT_TRUE(pin_->is_object());
    auto mirrors = read_machine_mirrors();
    ASSERT_TRUE(mirrors.ok()) << mirrors.error().str();
    const fs::path tmp = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-deb-");
    CurlHttpClient http;
    std::string errors;
    for (const auto& base : {mirrors->security, mirrors->debian}) {
      if (base.empty()) continue;
      auto d = download_verified(http, base + "/" + (*pin_)["filename"].get<std::string>(),
                                 tmp / "pinned.deb", (*pin_)["deb_sha256"].get<std::string>());
      if (d) {
        deb_ = new std::string(*read_file(tmp / "pinned.deb"));
        break;
      }
      errors += d.error().str() + "\n";
    }
    fs::remove_all(tmp);
    ASSERT_NE(deb_, nullptr) << "cannot fetch the pinned 6.1 .deb: " << errors;
  }
  static void TearDownTestSuite() {
    delete pin_;
    delete deb_;
  }

  void SetUp() override {
    ASSERT_NE(deb_, nullptr);
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-debian-");
    www_ = dir_ / "www";
    fs::create_directories(www_);
    ASSERT_NO_FATAL_FAILURE(make_key());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string pin(const char* key) const { return (*pin_)[key].get<std::string>(); }

  // A throwaway signing key; the mirror's indices are signed with it, and apt checks them
  // against the exported keyring exactly as it checks Debian's.
  void make_key() {
    const fs::path home = dir_ / "gnupg";
    fs::create_directories(home);
    fs::permissions(home, fs::perms::owner_all);
    gpg_ = {"gpg", "--homedir", home.string(), "--batch", "--yes", "--quiet"};
    auto argv = gpg_;
    for (const char* a : {"--passphrase", "", "--quick-gen-key", "vmtest e2e <e2e@example.invalid>",
                          "ed25519", "sign", "never"})
      argv.push_back(a);
    auto g = run(argv);
    ASSERT_TRUE(g && g->success()) << (g ? g->output : g.error().str());
    argv = gpg_;
    const std::string keyring = (dir_ / "mirror.gpg").string();
    for (const std::string& a : {std::string("--output"), keyring, std::string("--export")})
      argv.push_back(a);
    auto e = run(argv);
    ASSERT_TRUE(e && e->success()) << (e ? e->output : e.error().str());
    ASSERT_TRUE(fs::is_regular_file(keyring)) << e->output;
  }

  // dists/<suite> of a mirror under www_/<archive>, listing `pkgs` (and serving their bytes).
  void publish(const std::string& archive, const std::string& suite,
               const std::vector<Published>& pkgs) {
    const fs::path root = www_ / archive;
    std::string packages;
    for (const auto& p : pkgs) {
      write(root / p.filename, p.deb);
      packages += "Package: " + p.package + "\nVersion: " + p.version +
                  "\nArchitecture: amd64\nMaintainer: e2e <e2e@example.invalid>\nFilename: " +
                  p.filename + "\nSize: " + std::to_string(p.deb.size()) +
                  "\nSHA256: " + sha256_hex(p.deb) + "\nDescription: test kernel\n\n";
    }
    const std::string rel = "main/binary-amd64/Packages";
    write(root / "dists" / suite / rel, packages);
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S UTC", std::gmtime(&now));
    write(root / "dists" / suite / "Release",
          "Origin: vmtest-e2e\nLabel: vmtest-e2e\nSuite: " + suite + "\nCodename: " + suite +
              "\nDate: " + date + "\nArchitectures: amd64\nComponents: main\nSHA256:\n " +
              sha256_hex(packages) + " " + std::to_string(packages.size()) + " " + rel + "\n");
    auto argv = gpg_;
    for (std::string a : std::vector<std::string>{"--clearsign", "--output",
                                                  (root / "dists" / suite / "InRelease").string(),
                                                  (root / "dists" / suite / "Release").string()})
      argv.push_back(a);
    auto s = run(argv);
    ASSERT_TRUE(s && s->success()) << (s ? s->output : s.error().str());
  }

  // Both suites of the 6.1 row, listing only a newer version than the pin: the pinned one
  // was dropped, as Debian does at every point release.
  void publish_mirror_without_the_pin() {
    const std::string newer = pin("package") + "_6.1.999-1_amd64.deb";
    const Published gone_newer{pin("package"), "6.1.999-1", "pool/main/l/x/" + newer,
                               "not this one"};
    publish("debian", "bookworm", {gone_newer});
    publish("debian-security", "bookworm-security", {gone_newer});
  }

  void serve_snapshot(const std::string& bytes) {
    write(www_ / "snapshot/file" / pin("deb_sha1"), bytes);
  }

  // The committed 6.1 row and its pin, in dir_.
  void write_61_matrix() {
    std::ofstream(dir_ / "matrix.yaml")
        << "kernels:\n  - name: \"6.1\"\n    description: Debian 12 (bookworm) cloud kernel, LTS\n"
           "    source:\n      debian:\n        package: "
        << pin("package") << "\n        suites: [bookworm, bookworm-security]\n";
    json lock = {{"format", 2}, {"kernels", {{"6.1", {{"debian", *pin_}}}}}};
    std::ofstream(dir_ / "matrix.lock.json") << lock.dump(2);
  }

  std::vector<std::string> with_matrix(std::vector<std::string> args) {
    for (std::string a : std::vector<std::string>{
             "--matrix", (dir_ / "matrix.yaml").string(), "--lock",
             (dir_ / "matrix.lock.json").string(), "--cache", (dir_ / "cache").string()})
      args.push_back(a);
    return args;
  }

  // Points the debian source at the loopback server for the scope of one test.
  struct LoopbackEnv {
    LoopbackEnv(const HttpServer& s, const fs::path& key, bool with_mirror)
        : mirror("VMTEST_DEBIAN_MIRROR",
                 with_mirror ? std::optional(s.url() + "/debian") : std::nullopt),
          security("VMTEST_DEBIAN_SECURITY_MIRROR",
                   with_mirror ? std::optional(s.url() + "/debian-security") : std::nullopt),
          keyring("VMTEST_DEBIAN_KEYRING", key.string()),
          snapshot("VMTEST_DEBIAN_SNAPSHOT", s.url() + "/snapshot") {}
    ScopedEnv mirror, security, keyring, snapshot;
  };

  static json* pin_;
  static std::string* deb_;
  fs::path dir_, www_;
  std::vector<std::string> gpg_;
};
json* DebianSourceE2E::pin_ = nullptr;
std::string* DebianSourceE2E::deb_ = nullptr;

TEST_F(DebianSourceE2E, MirrorDroppedThePinYetAColdCacheRunBootsItFromTheSnapshot) {
  publish_mirror_without_the_pin();
  serve_snapshot(*deb_);
  write_61_matrix();
  HttpServer server(www_, dir_ / "http.log");
  LoopbackEnv env(server, dir_ / "mirror.gpg", /*with_mirror=*/true);
  const fs::path out = dir_ / "out";
  CliRun r = run_vmtest(with_matrix({"run", "--kernel", "6.1", "--out", out.string()}), out);
  ASSERT_TRUE(r.has_results) << r.output;
  // Gated against the committed 6.1 baseline: the same bytes, so the same verdicts.
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Ok) << k->error;
  EXPECT_EQ(k->image_sha256, pin("vmlinuz_sha256"));
  EXPECT_EQ(k->image, pin("package") + " " + pin("version"));
  EXPECT_EQ(k->kernel_release.substr(0, 3), "6.1");
  EXPECT_NE(r.output.find("the Debian mirror no longer lists " + pin("package") + " " +
                          pin("version")),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("from the snapshot archive (" + server.url() + "/snapshot/file/" +
                          pin("deb_sha1") + ")"),
            std::string::npos)
      << r.output;
  // apt really asked the mirror, and the .deb came from the snapshot path.
  const std::string log = *read_file(dir_ / "http.log");
  EXPECT_NE(log.find("GET /debian-security/dists/bookworm-security/InRelease"), std::string::npos)
      << log;
  EXPECT_NE(log.find("GET /snapshot/file/" + pin("deb_sha1") + " HTTP/1.1\" 200"),
            std::string::npos)
      << log;
}

TEST_F(DebianSourceE2E, TamperedSnapshotFileIsRefusedAndNamed) {
  publish_mirror_without_the_pin();
  std::string tampered = *deb_;
  tampered[tampered.size() / 2] ^= 0x5a;
  serve_snapshot(tampered);
  write_61_matrix();
  HttpServer server(www_, dir_ / "http.log");
  LoopbackEnv env(server, dir_ / "mirror.gpg", /*with_mirror=*/true);
  CliRun r = run_vmtest(with_matrix({"kernels", "fetch", "--kernel", "6.1"}), dir_ / "none");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("snapshot file refused: sha256 mismatch: the lock expects deb_sha256 " +
                          pin("deb_sha256") + ", got " + sha256_hex(tampered)),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(server.url() + "/snapshot/file/" + pin("deb_sha1")), std::string::npos)
      << r.output;
  std::error_code ec;
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "cache/kernels", ec))
    if (e.path().filename().string()[0] != '.') ++entries;
  EXPECT_EQ(entries, 0u) << "nothing unverified is cached";
}

TEST_F(DebianSourceE2E, RootWithoutDebianAptSourcesGoesStraightToTheSnapshot) {
  serve_snapshot(*deb_);
  write_61_matrix();
  fs::create_directories(dir_ / "etc-apt/sources.list.d"); // no sources, no sources.list
  HttpServer server(www_, dir_ / "http.log");
  LoopbackEnv env(server, dir_ / "mirror.gpg", /*with_mirror=*/false);
  ScopedEnv apt_etc("VMTEST_APT_ETC", (dir_ / "etc-apt").string());
  const fs::path out = dir_ / "out";
  CliRun r = run_vmtest(with_matrix({"run", "--kernel", "6.1", "--out", out.string()}), out);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const KernelResult* k = r.results.find("6.1");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Ok) << k->error;
  EXPECT_EQ(k->image_sha256, pin("vmlinuz_sha256"));
  EXPECT_NE(r.output.find("this host has no Debian apt source"), std::string::npos) << r.output;
  // apt was never asked: no private apt state, no index request.
  EXPECT_FALSE(fs::exists(dir_ / "cache/apt/bookworm+bookworm-security/sources.list"));
  const std::string log = *read_file(dir_ / "http.log");
  EXPECT_EQ(log.find("/dists/"), std::string::npos) << log;
}

// A canary row against a mirror that publishes a newer package than the lock recorded: the
// newer one boots, the lock records it, and the gate reports the row as a canary whose
// changes are warnings. The same run under `canary: fail` is a regression.
TEST_F(DebianSourceE2E, CanaryBootsTheNewerPackageAndItsChangesOnlyWarn) {
  // The mirror: the real 6.1 package, newer than the 6.1.0-55 build the lock remembers.
  const Published real{pin("package"), pin("version"), pin("filename"), *deb_};
  publish("debian", "bookworm", {real});
  std::ofstream(dir_ / "matrix.yaml")
      << "kernels:\n  - name: canary\n    description: newest bookworm cloud kernel\n"
         "    canary: true\n    source:\n      debian:\n        package: "
         "\"linux-image-6.1.0-*-cloud-amd64\"\n        suites: [bookworm]\n";
  const json old_pin = {{"package", "linux-image-6.1.0-55-cloud-amd64"},
                        {"version", "6.1.190-1"},
                        {"filename", "pool/x.deb"},
                        {"deb_sha256", std::string(64, 'a')},
                        {"deb_sha1", std::string(40, 'a')},
                        {"vmlinuz_sha256", std::string(64, 'b')}};
  std::ofstream(dir_ / "matrix.lock.json")
      << json{{"format", 2}, {"kernels", {{"canary", {{"debian", old_pin}}}}}}.dump(2);
  // Its baseline says xdp_bpf_loop was rejected: on the newer kernel it loads, which on a
  // pinned row is a FAIL ("improved": update the baseline on purpose).
  auto base = json::parse(*read_file(source_dir() / "bpf/baselines/6.1.json"));
  base["kernel"]["name"] = "canary";
  base["objects"]["bpf_loop.bpf.o"]["programs"]["xdp_bpf_loop"]["verdict"] = "rejected";
  base["objects"]["bpf_loop.bpf.o"]["programs"]["xdp_bpf_loop"]["errno"] = 22;
  write(dir_ / "baselines/canary.json", base.dump(2));
  HttpServer server(www_, dir_ / "http.log");
  ScopedEnv mirror("VMTEST_DEBIAN_MIRROR", server.url() + "/debian");
  ScopedEnv keyring("VMTEST_DEBIAN_KEYRING", (dir_ / "mirror.gpg").string());

  const fs::path out = dir_ / "out";
  CliRun r = run_vmtest(with_matrix({"run", "--kernel", "canary", "--out", out.string(),
                                     "--baselines", (dir_ / "baselines").string()}),
                        out);
  ASSERT_TRUE(r.has_results) << r.output;
  EXPECT_EQ(r.exit_code, 0) << "a canary's changes are warnings\n" << r.output;
  const KernelResult* k = r.results.find("canary");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->status, KernelStatus::Ok) << k->error;
  EXPECT_TRUE(k->canary);
  EXPECT_EQ(k->image_sha256, pin("vmlinuz_sha256"));
  const ProgramResult* loop = find_program(*k, "bpf_loop.bpf.o", "xdp_bpf_loop");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->verdict, Verdict::Accepted);
  EXPECT_NE(r.output.find("canary: newest is " + pin("package") + " " + pin("version") +
                          " (the lock had linux-image-6.1.0-55-cloud-amd64 6.1.190-1)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("(canary)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("reported as warnings"), std::string::npos) << r.output;
  // The lock records what booted.
  auto lock = load_lock(dir_ / "matrix.lock.json");
  ASSERT_TRUE(lock.ok()) << lock.error().str();
  const auto rec = lock->find("canary", "debian");
  EXPECT_EQ(rec["version"], pin("version"));
  EXPECT_EQ(rec["vmlinuz_sha256"], pin("vmlinuz_sha256"));
  EXPECT_EQ(rec["deb_sha1"], pin("deb_sha1"));

  // The same results under a policy that gates canaries: a regression (exit 1).
  write(dir_ / "policy.yaml", "canary: fail\n");
  auto g = run({vmtest_bin().string(), "gate", (out / "results.json").string(), "--baselines",
                (dir_ / "baselines").string(), "--policy", (dir_ / "policy.yaml").string()},
               source_dir());
  ASSERT_TRUE(g.ok()) << g.error().str();
  EXPECT_EQ(g->exit_code, 1) << g->output;
  EXPECT_NE(g->output.find("kernel canary (canary) FAIL"), std::string::npos) << g->output;
}

// `kernels lock` keeps a complete pin even when the mirror moved on; `--refresh` rolls it
// forward to what the mirror publishes now, prints the old and the new build, and asks for a
// new baseline.
TEST_F(DebianSourceE2E, LockRefreshRollsAPinnedRowForward) {
  const Published real{pin("package"), pin("version"), pin("filename"), *deb_};
  publish("debian", "bookworm", {real});
  std::ofstream(dir_ / "matrix.yaml")
      << "kernels:\n  - name: \"6.1\"\n    description: d\n    source:\n      debian:\n"
         "        package: "
      << pin("package") << "\n        suites: [bookworm]\n";
  const json old_pin = {{"package", pin("package")},
                        {"version", "6.1.190-1"},
                        {"filename", "pool/old.deb"},
                        {"deb_sha256", std::string(64, 'a')},
                        {"deb_sha1", std::string(40, 'a')},
                        {"vmlinuz_sha256", std::string(64, 'b')}};
  std::ofstream(dir_ / "matrix.lock.json")
      << json{{"format", 2}, {"kernels", {{"6.1", {{"debian", old_pin}}}}}}.dump(2);
  HttpServer server(www_, dir_ / "http.log");
  ScopedEnv mirror("VMTEST_DEBIAN_MIRROR", server.url() + "/debian");
  ScopedEnv keyring("VMTEST_DEBIAN_KEYRING", (dir_ / "mirror.gpg").string());

  CliRun keep = run_vmtest(with_matrix({"kernels", "lock"}), dir_ / "none");
  EXPECT_EQ(keep.exit_code, 0) << keep.output;
  EXPECT_NE(keep.output.find("kept " + pin("package") + " 6.1.190-1"), std::string::npos)
      << keep.output;
  EXPECT_EQ(json::parse(load_lock(dir_ / "matrix.lock.json")->find("6.1", "debian").dump()),
            old_pin)
      << "a complete pin stays where it is";

  CliRun roll = run_vmtest(with_matrix({"kernels", "lock", "--refresh", "6.1"}), dir_ / "none");
  EXPECT_EQ(roll.exit_code, 0) << roll.output;
  EXPECT_NE(roll.output.find("old: " + pin("package") + " 6.1.190-1 deb_sha256 " +
                             std::string(64, 'a') + " vmlinuz_sha256 " + std::string(64, 'b')),
            std::string::npos)
      << roll.output;
  EXPECT_NE(roll.output.find("new: " + pin("package") + " " + pin("version") + " deb_sha256 " +
                             pin("deb_sha256") + " vmlinuz_sha256 " + pin("vmlinuz_sha256")),
            std::string::npos)
      << roll.output;
  EXPECT_NE(roll.output.find("re-record its baseline with `vmtest baseline update --kernel 6.1`"),
            std::string::npos)
      << roll.output;
  const auto now = load_lock(dir_ / "matrix.lock.json")->find("6.1", "debian");
  EXPECT_EQ(now["version"], pin("version"));
  EXPECT_EQ(now["deb_sha1"], pin("deb_sha1")) << "measured for the snapshot fallback";
  EXPECT_EQ(now["vmlinuz_sha256"], pin("vmlinuz_sha256"));
}

} // namespace vmtest::e2e
