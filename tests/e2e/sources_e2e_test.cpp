// SPDX-License-Identifier: BSD-2-Clause
// The oci, url and rpm sources against REAL servers on loopback: Debian's docker-registry
// (the distribution registry) fed by skopeo, python's http.server, and an RPM made by
// rpmbuild. Each wraps the Debian 6.1 kernel the matrix suite already caches; the harness
// pulls it through the source under test, boots it under qemu and runs the corpus.
// Every server is started on a free 127.0.0.1 port by its test and killed when it ends.
#include "core/sha256.h"
#include "e2e_support.h"
#include "loopback.h"
#include "kernel/kernel_image.h"

#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace vmtest::e2e {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// A loopback server for the duration of one test.
class Server {
public:
  Server(std::vector<std::string> argv, int port, const fs::path& log) : port_(port) {
    Command c;
    c.argv = std::move(argv);
    c.stdout_path = log;
    auto p = runner_.start(c);
    if (!p) {
      ADD_FAILURE() << p.error().str();
      return;
    }
    proc_ = std::move(*p);
    for (auto deadline = std::chrono::steady_clock::now() + 15s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
      if (port_open(port_)) return;
      if (proc_->poll()) break;
    }
    ADD_FAILURE() << "server did not come up on port " << port_ << ": " << *read_file(log);
  }
  ~Server() {
    if (proc_) {
      proc_->kill();
      proc_->wait(5s);
    }
  }
  int port() const { return port_; }

private:
  SubprocessRunner runner_;
  std::unique_ptr<Process> proc_;
  int port_;
};

Result<ExitStatus> run(std::vector<std::string> argv, std::chrono::seconds timeout = 120s) {
  SubprocessRunner r;
  Command c;
  c.argv = std::move(argv);
  return r.run(c, std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
}

// An uncompressed tar with `files` (path -> source file on disk or literal contents).
void write_tar(const fs::path& out, const std::vector<std::pair<std::string, std::string>>& files) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open_filename(a, out.c_str());
  for (const auto& [path, data] : files) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 1700000000, 0);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

// Blob store of an OCI image layout; returns "sha256:<hex>".
std::string put_blob(const fs::path& layout, const std::string& bytes) {
  const std::string hex = sha256_hex(bytes);
  std::ofstream(layout / "blobs/sha256" / hex, std::ios::binary) << bytes;
  return "sha256:" + hex;
}

// An OCI image layout laid out like little-vm-helper's kernel images (busybox-ish base
// layer, then data/kernels/<name>/boot/vmlinuz-<release>), tagged `tag`, for `arch`.
void write_lvh_layout(const fs::path& layout, const fs::path& work, const std::string& tag,
                      const std::string& arch, const std::string& vmlinuz,
                      const std::string& config) {
  fs::create_directories(layout / "blobs/sha256");
  std::ofstream(layout / "oci-layout") << R"({"imageLayoutVersion": "1.0.0"})";
  json layers = json::array(), diff_ids = json::array();
  const std::vector<std::vector<std::pair<std::string, std::string>>> contents = {
      {{"bin/busybox", "not really busybox\n"}},
      {{"data/kernels/6.1/boot/vmlinuz-6.1.0-56-cloud-amd64", vmlinuz},
       {"data/kernels/6.1/boot/config-6.1.0-56-cloud-amd64", config}}};
  for (size_t i = 0; i < contents.size(); ++i) {
    const fs::path tar = work / ("layer" + std::to_string(i) + ".tar");
    write_tar(tar, contents[i]);
    diff_ids.push_back("sha256:" + *sha256_file(tar));
    auto gz = run({"gzip", "-n", "-f", tar.string()});
    ASSERT_TRUE(gz && gz->success());
    const std::string bytes = *read_file(tar.string() + ".gz");
    layers.push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                      {"digest", put_blob(layout, bytes)},
                      {"size", bytes.size()}});
  }
  const std::string cfg = json{{"architecture", arch},
                               {"os", "linux"},
                               {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}}
                              .dump();
  const std::string manifest = json{
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
      {"config",
       {{"mediaType", "application/vnd.oci.image.config.v1+json"},
        {"digest", put_blob(layout, cfg)},
        {"size", cfg.size()}}},
      {"layers", layers}}.dump();
  const std::string mdigest = put_blob(layout, manifest);
  // An index with the one platform, as multi-arch catalogues publish them.
  const std::string index = json{{"schemaVersion", 2},
                                 {"mediaType", "application/vnd.oci.image.index.v1+json"},
                                 {"manifests",
                                  {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                    {"digest", mdigest},
                                    {"size", manifest.size()},
                                    {"platform", {{"architecture", arch}, {"os", "linux"}}}}}}}
                                .dump();
  const std::string idigest = put_blob(layout, index);
  std::ofstream(layout / "index.json")
      << json{{"schemaVersion", 2},
              {"manifests",
               {{{"mediaType", "application/vnd.oci.image.index.v1+json"},
                 {"digest", idigest},
                 {"size", index.size()},
                 {"annotations", {{"org.opencontainers.image.ref.name", tag}}}}}}}
             .dump();
}


} // namespace

class SourcesE2E : public ::testing::Test {
protected:
  // The real Debian 6.1 kernel through the existing debian path (a cache hit after the
  // matrix suite; a download otherwise).
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
    const KernelImage* img = &*got.image;
    vmlinuz_ = new std::string(*read_file(img->vmlinuz));
    config_ = new std::string(*read_file(img->config));
  }
  static void TearDownTestSuite() {
    delete vmlinuz_;
    delete config_;
  }
  void SetUp() override {
    ASSERT_NE(vmlinuz_, nullptr);
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-sources-");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A one-row matrix (plus lock) in dir_.
  void write_matrix(const std::string& row_yaml, const json& lock_row = nullptr) {
    std::ofstream(dir_ / "matrix.yaml") << "kernels:\n  - name: \"x\"\n    description: loopback\n"
                                        << "    source:\n"
                                        << row_yaml;
    // Format 1 (one flat pin per row) on purpose: locks written before rows had several
    // sources must keep working.
    json lock = {{"format", 1}, {"kernels", json::object()}};
    if (!lock_row.is_null()) lock["kernels"]["x"] = lock_row;
    std::ofstream(dir_ / "matrix.lock.json") << lock.dump(2);
  }
  std::vector<std::string> matrix_args() {
    return {"--matrix", (dir_ / "matrix.yaml").string(),
            "--lock",   (dir_ / "matrix.lock.json").string(),
            "--cache",  (dir_ / "cache").string()};
  }
  CliRun boot() {
    const fs::path out = dir_ / "out";
    std::vector<std::string> args = {"run", "--kernel", "x", "--out", out.string()};
    for (auto& a : matrix_args())
      args.push_back(a);
    return run_vmtest(args, out);
  }
  CliRun kernels(const std::string& verb) {
    std::vector<std::string> args = {"kernels", verb};
    for (auto& a : matrix_args())
      args.push_back(a);
    return run_vmtest(args, dir_ / "none");
  }
  void expect_booted_61(const CliRun& r) {
    ASSERT_TRUE(r.has_results) << r.output;
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const KernelResult* k = r.results.find("x");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->status, KernelStatus::Ok) << k->error << "\n" << joined(k->console_tail);
    EXPECT_EQ(k->kernel_release.substr(0, 3), "6.1");
    EXPECT_EQ(k->image_sha256, sha256_hex(*vmlinuz_));
    const ProgramResult* p = find_program(*k, "bpf_loop.bpf.o", "xdp_bpf_loop");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->verdict, Verdict::Accepted) << joined(p->log_tail);
  }
  size_t cache_entries() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_ / "cache/kernels", ec))
      if (e.path().filename().string()[0] != '.') ++n;
    return n;
  }
  // python3's http.server over `root` on a free port.
  std::unique_ptr<Server> http_server(const fs::path& root) {
    const int port = free_port();
    return std::make_unique<Server>(
        std::vector<std::string>{"/usr/bin/python3", "-m", "http.server", std::to_string(port),
                                 "--bind", "127.0.0.1", "--directory", root.string()},
        port, dir_ / "http.log");
  }

  static std::string* vmlinuz_;
  static std::string* config_;
  fs::path dir_;
};
std::string* SourcesE2E::vmlinuz_ = nullptr;
std::string* SourcesE2E::config_ = nullptr;

TEST_F(SourcesE2E, OciFromDockerRegistryPushedBySkopeoBootsAndPins) {
  const int port = free_port();
  std::ofstream(dir_ / "registry.yml")
      << "version: 0.1\nlog:\n  level: warn\nstorage:\n"
      << "  filesystem:\n    rootdirectory: " << (dir_ / "storage").string()
      << "\nhttp:\n  addr: 127.0.0.1:" << port << "\n";
  Server registry({"docker-registry", "serve", (dir_ / "registry.yml").string()}, port,
                  dir_ / "registry.log");
  const std::string host = "127.0.0.1:" + std::to_string(port);
  auto push = [&](const std::string& tag, const std::string& arch) {
    const fs::path layout = dir_ / ("oci-" + tag), work = dir_ / ("work-" + tag);
    fs::create_directories(work);
    write_lvh_layout(layout, work, tag, arch, *vmlinuz_, *config_);
    auto st = run({"skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
                   "oci:" + layout.string() + ":" + tag,
                   "docker://" + host + "/lvh-images/kernel-images:" + tag});
    ASSERT_TRUE(st.ok()) << st.error().str();
    ASSERT_TRUE(st->success()) << st->output;
  };
  push("6.1-main", "amd64");
  push("arm-only", "arm64");
  ScopedEnv env("VMTEST_OCI_REGISTRY", host);
  ScopedEnv insecure("VMTEST_OCI_INSECURE", "1");

  // Another architecture only: a clear error, nothing cached.
  write_matrix("      oci: {repository: lvh-images/kernel-images, tag: arm-only}\n",
               json{{"oci_digest", ""}, {"vmlinuz_sha256", ""}});
  auto arm = kernels("fetch");
  EXPECT_EQ(arm.exit_code, 2) << arm.output;
  EXPECT_NE(arm.output.find("no linux/amd64 manifest (it offers: linux/arm64)"), std::string::npos)
      << arm.output;
  EXPECT_EQ(cache_entries(), 0u);

  // The real thing: pull, boot, corpus.
  write_matrix("      oci: {repository: lvh-images/kernel-images, tag: 6.1-main}\n",
               json{{"oci_digest", ""}, {"vmlinuz_sha256", ""}});
  const CliRun first = boot();
  expect_booted_61(first);
  // Trust on first use, said once: the run wrote what the tag resolved to into the lock.
  const size_t said = first.output.find("trust on first use");
  ASSERT_NE(said, std::string::npos) << first.output;
  EXPECT_EQ(first.output.find("trust on first use", said + 1), std::string::npos) << first.output;
  auto tofu = json::parse(*read_file(dir_ / "matrix.lock.json"))["kernels"]["x"]["oci"];
  EXPECT_TRUE(tofu["oci_digest"].get<std::string>().rfind("sha256:", 0) == 0) << tofu;
  EXPECT_EQ(tofu["vmlinuz_sha256"], sha256_hex(*vmlinuz_));
  EXPECT_NE(first.output.find("pinned in " + (dir_ / "matrix.lock.json").string()),
            std::string::npos)
      << first.output;
  // ... and required from then on: a lock naming another vmlinuz for that digest is refused.
  write_matrix("      oci: {repository: lvh-images/kernel-images, tag: 6.1-main}\n",
               json{{"oci_digest", tofu["oci_digest"]}, {"vmlinuz_sha256", std::string(64, 'e')}});
  auto wrong = kernels("fetch");
  EXPECT_EQ(wrong.exit_code, 2) << wrong.output;
  EXPECT_NE(wrong.output.find("expected " + std::string(64, 'e')), std::string::npos)
      << wrong.output;
  write_matrix("      oci: {repository: lvh-images/kernel-images, tag: 6.1-main}\n",
               json{{"oci_digest", ""}, {"vmlinuz_sha256", ""}});

  // `kernels lock` pins what the tag resolved to; the pinned row is then a cache hit even
  // with the registry gone.
  auto lock = kernels("lock");
  EXPECT_EQ(lock.exit_code, 0) << lock.output;
  auto pinned = json::parse(*read_file(dir_ / "matrix.lock.json"))["kernels"]["x"]["oci"];
  EXPECT_TRUE(pinned["oci_digest"].get<std::string>().rfind("sha256:", 0) == 0) << pinned;
  EXPECT_EQ(pinned["vmlinuz_sha256"], sha256_hex(*vmlinuz_));
  auto list = kernels("list");
  EXPECT_NE(list.output.find("yes"), std::string::npos) << list.output;
  auto verify = kernels("verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST_F(SourcesE2E, UrlFromLoopbackHttpBootsAnd404AndWrongShaAreClear) {
  const fs::path www = dir_ / "www";
  fs::create_directories(www);
  std::ofstream(www / "vmlinuz-6.1", std::ios::binary) << *vmlinuz_;
  auto server = http_server(www);
  const std::string base = "http://127.0.0.1:" + std::to_string(server->port());

  write_matrix("      url: {url: \"" + base + "/missing\", sha256: " + sha256_hex(*vmlinuz_) +
               "}\n");
  auto missing = kernels("fetch");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find(base + "/missing: download failed: HTTP 404 Not Found"),
            std::string::npos)
      << missing.output;

  write_matrix("      url: {url: \"" + base + "/vmlinuz-6.1\", sha256: " + std::string(64, '0') +
               "}\n");
  auto wrong = kernels("fetch");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.output.find("sha256 mismatch: expected " + std::string(64, '0') + ", got " +
                              sha256_hex(*vmlinuz_)),
            std::string::npos)
      << wrong.output;
  EXPECT_EQ(cache_entries(), 0u);

  write_matrix("      url: {url: \"" + base + "/vmlinuz-6.1\", sha256: " + sha256_hex(*vmlinuz_) +
               "}\n");
  expect_booted_61(boot());
}

TEST_F(SourcesE2E, RpmBuiltByRpmbuildBootsFromLoopbackHttp) {
  const fs::path top = dir_ / "rpmbuild", sources = top / "SOURCES";
  fs::create_directories(sources);
  std::ofstream(sources / "vmlinuz", std::ios::binary) << *vmlinuz_;
  std::ofstream(top / "kernel-core.spec")
      << "Name: kernel-core\nVersion: 6.1.0\nRelease: 56\nSummary: test kernel\nLicense: GPL-2.0\n"
         "%description\nDebian's 6.1 kernel in kernel-core layout\n%install\n"
         "mkdir -p %{buildroot}/lib/modules/6.1.0-56-cloud-amd64\n"
         "install -m 0644 %{_sourcedir}/vmlinuz "
         "%{buildroot}/lib/modules/6.1.0-56-cloud-amd64/vmlinuz\n"
         "%files\n/lib/modules/6.1.0-56-cloud-amd64/vmlinuz\n";
  auto st = run({"rpmbuild", "-bb", "--nodeps", "--define", "_topdir " + top.string(), "--define",
                 "_sourcedir " + sources.string(), "--define", "__os_install_post %{nil}",
                 "--define", "_build_id_links none", (top / "kernel-core.spec").string()});
  ASSERT_TRUE(st.ok()) << st.error().str();
  ASSERT_TRUE(st->success()) << st->output;
  const fs::path rpm = top / "RPMS/x86_64/kernel-core-6.1.0-56.x86_64.rpm";
  ASSERT_TRUE(fs::exists(rpm)) << st->output;
  const std::string sha = *sha256_file(rpm);

  auto server = http_server(rpm.parent_path());
  write_matrix("      rpm: {url: \"http://127.0.0.1:" + std::to_string(server->port()) +
               "/kernel-core-6.1.0-56.x86_64.rpm\", sha256: " + sha + "}\n");
  expect_booted_61(boot());
}

} // namespace vmtest::e2e
