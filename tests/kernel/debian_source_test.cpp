// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "core/file_lock.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "fake_http.h"
#include "fake_runner.h"
#include "kernel/debian_source.h"
#include "kernel/kernel_cache.h"
#include "kernel/snapshot_archive.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>

namespace vmtest {
namespace fs = std::filesystem;
using testing::exited;
using testing::FakeRunner;

namespace {
const fs::path kData = fs::path(VMTEST_TEST_DATA) / "kernel";
const std::string kPkg = "linux-image-6.1.0-99-test";

std::string option_value(const Command& c, const std::string& key) {
  for (size_t i = 0; i + 1 < c.argv.size(); ++i)
    if (c.argv[i] == "-o" && c.argv[i + 1].rfind(key + "=", 0) == 0)
      return c.argv[i + 1].substr(key.size() + 1);
  return {};
}

// Plays apt-get/apt-cache against an in-memory "mirror" of .deb files.
struct FakeApt {
  std::map<std::string, std::string> debs; // version -> .deb bytes
  bool published_after_update = false;     // the index lists nothing until an update
  bool download_fails = false;
  int updates = 0;

  ExitStatus operator()(const Command& c) {
    std::vector<std::string> args;
    for (size_t i = 1; i < c.argv.size(); ++i) {
      if (c.argv[i] == "-o")
        ++i;
      else if (c.argv[i] != "-q")
        args.push_back(c.argv[i]);
    }
    if (c.argv[0] == "apt-get" && args == std::vector<std::string>{"update"}) {
      ++updates;
      write_file_atomic(fs::path(option_value(c, "Dir::State::Lists")) /
                            "mirror_dists_bookworm_main_binary-amd64_Packages",
                        "")
          .ok();
      return exited(0, "Reading package lists...\n");
    }
    if (c.argv[0] == "apt-cache" && args.size() == 2 && args[0] == "show") {
      if (args[1] != kPkg || (published_after_update && updates == 0))
        return exited(100, "N: Unable to locate package " + args[1] + "\nE: No packages found\n");
      std::string out;
      for (const auto& [v, bytes] : debs)
        out += "Package: " + kPkg + "\nVersion: " + v + "\nFilename: pool/main/l/" + kPkg + "_" +
               v + "_amd64.deb\nSHA256: " + sha256_hex(bytes) + "\n\n";
      return exited(0, out);
    }
    if (c.argv[0] == "apt-get" && args.size() == 2 && args[0] == "download") {
      const auto eq = args[1].find('=');
      const std::string version = args[1].substr(eq + 1);
      if (download_fails || !debs.count(version))
        return exited(100,
                      "Err:1 http://mirror " + kPkg + "\n  404  Not Found\nE: Failed to fetch\n");
      testing::write_bytes(c.cwd / (kPkg + "_" + version + "_amd64.deb"), debs.at(version));
      return exited(0, "Get:1 http://mirror " + kPkg + "\n");
    }
    return exited(127, "unexpected command");
  }
};

class FetchTest : public ::testing::Test {
protected:
  void SetUp() override {
    root_ = *make_temp_dir(fs::temp_directory_path(), "fetch-");
    fs::create_directories(root_ / "parts");
    fs::copy_file(kData / "debian.sources", root_ / "parts" / "debian.sources");
    vmlinuz_ = std::string(200000, 'K') + "bzImage";
    deb_ = testing::build_deb(testing::kernel_files("6.1.0-99-test", vmlinuz_, "CONFIG_BPF=y\n"));
    apt_.debs["6.1.999-1"] = deb_;
    pin_ = DebPin{kPkg,          "6.1.999-1",     "pool/main/l/x.deb", sha256_hex(deb_),
                  sha1_hex(deb_), sha256_hex(vmlinuz_)};
  }
  void TearDown() override { fs::remove_all(root_); }

  FetchContext ctx() {
    FetchContext c;
    c.cache_dir = root_ / "cache";
    c.runner = &runner_;
    c.log = [this](const std::string& s) { log_.push_back(s); };
    c.apt_sources_dir = root_ / "parts";
    c.apt_sources_list = root_ / "no-sources.list";
    c.http = &http_;
    c.env = [this](const std::string& name) {
      auto it = env_.find(name);
      return it == env_.end() ? std::string() : it->second;
    };
    return c;
  }
  // The snapshot archive's address for the pinned .deb, on the fake server.
  std::string snapshot_url() const { return "http://snapshot.test/file/" + sha1_hex(deb_); }
  // Every name under <cache>/kernels, staging directories included.
  std::vector<std::string> kernel_dir_names() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_ / "cache" / "kernels", ec))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path root_;
  std::string vmlinuz_, deb_;
  FakeApt apt_;
  FakeRunner runner_{std::ref(apt_)};
  std::optional<DebPin> pin_;
  std::vector<std::string> log_;
  testing::FakeHttp http_;
  std::map<std::string, std::string> env_{{"VMTEST_DEBIAN_SNAPSHOT", "http://snapshot.test/"}};

  // The source under test, with whatever pin_ says now.
  DebianSource source() const {
    return DebianSource("6.1", kPkg, {"bookworm", "bookworm-security"}, pin_);
  }
  Result<KernelImage> fetch_kernel(const FetchContext& c) const { return source().fetch(c); }
};
} // namespace

TEST_F(FetchTest, SuccessPopulatesTheCacheThenHitsWithoutCommands) {
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_FALSE(img->from_cache);
  EXPECT_EQ(img->name, "6.1");
  EXPECT_EQ(img->sha256, sha256_hex(vmlinuz_));
  EXPECT_EQ(img->origin, kPkg + " 6.1.999-1");
  const fs::path entry = root_ / "cache" / "kernels" / sha256_hex(vmlinuz_);
  EXPECT_EQ(img->vmlinuz, entry / "vmlinuz");
  EXPECT_EQ(*read_file(img->vmlinuz), vmlinuz_);
  EXPECT_EQ(*read_file(img->config), "CONFIG_BPF=y\n");
  EXPECT_TRUE(fs::exists(entry / "image.json"));
  // Lists were missing, so: update, show, download - in that order, nothing else.
  EXPECT_EQ(runner_.verbs(),
            (std::vector<std::string>{"apt-get update", "apt-cache show", "apt-get download"}));
  EXPECT_EQ(runner_.commands[2].argv.back(), kPkg + "=6.1.999-1");
  // No staging dir or .deb left behind, and apt's indices are pruned: the next run needs none.
  EXPECT_EQ(kernel_dir_names(), std::vector<std::string>{sha256_hex(vmlinuz_)});
  EXPECT_FALSE(fs::exists(root_ / "cache/apt/bookworm+bookworm-security/lists"));
  EXPECT_FALSE(fs::exists(root_ / "cache/apt/bookworm+bookworm-security/cache"));
  // The private sources.list came from the fixture, not from the machine.
  auto sources = read_file(root_ / "cache/apt/bookworm+bookworm-security/sources.list");
  ASSERT_TRUE(sources.ok());
  EXPECT_NE(sources->find("http://mirror.example.invalid/debian-security bookworm-security main"),
            std::string::npos);

  runner_.commands.clear();
  auto again = fetch_kernel(ctx());
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_TRUE(again->from_cache);
  EXPECT_EQ(again->vmlinuz, img->vmlinuz);
  EXPECT_EQ(runner_.commands.size(), 0u);
}

TEST_F(FetchTest, AnArm64RowFetchesThroughAnArm64OnlyAptStateOfItsOwn) {
  DebianSource arm("6.1-arm64", kPkg, {"bookworm", "bookworm-security"}, pin_,
                   /*follow_newest=*/false, Arch::arm64);
  auto img = arm.fetch(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  // Not the x86 rows' state: apt would prune one architecture's lists for the other's.
  const fs::path state = root_ / "cache/apt/bookworm+bookworm-security-arm64";
  auto sources = read_file(state / "sources.list");
  ASSERT_TRUE(sources.ok());
  EXPECT_NE(sources->find("deb [arch=arm64 "), std::string::npos) << *sources;
  EXPECT_FALSE(fs::exists(root_ / "cache/apt/bookworm+bookworm-security"));
  ASSERT_FALSE(runner_.commands.empty());
  for (const auto& c : runner_.commands)
    EXPECT_EQ(option_value(c, "APT::Architecture"), "arm64") << c.argv.back();
  // An x86 row asks for amd64 packages explicitly, whatever the host is.
  runner_.commands.clear();
  DebianSource x86("6.1", kPkg, {"bookworm"}, pin_);
  fs::remove_all(root_ / "cache" / "kernels");
  ASSERT_TRUE(x86.fetch(ctx()).ok());
  EXPECT_EQ(option_value(runner_.commands.at(0), "APT::Architecture"), "amd64");
}

TEST_F(FetchTest, PresentListsSkipUpdate) {
  // Indices from an earlier update (a fetch that failed after it, say) that list the pin.
  fs::create_directories(root_ / "cache/apt/bookworm+bookworm-security/lists");
  testing::write_bytes(root_ / "cache/apt/bookworm+bookworm-security/lists/m_Packages", "");
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(runner_.verbs(), (std::vector<std::string>{"apt-cache show", "apt-get download"}));
}

TEST_F(FetchTest, VersionMissingFromStaleListsTriggersOneUpdate) {
  // Lists exist but predate the pinned version.
  fs::create_directories(root_ / "cache/apt/bookworm+bookworm-security/lists");
  testing::write_bytes(root_ / "cache/apt/bookworm+bookworm-security/lists/old_Packages", "");
  apt_.published_after_update = true;
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(runner_.verbs(), (std::vector<std::string>{"apt-cache show", "apt-get update",
                                                       "apt-cache show", "apt-get download"}));
}

// Debian dropped the pinned version: the same bytes come from the snapshot archive, by the
// lock's deb_sha1 alone, after exactly one index update.
TEST_F(FetchTest, VersionGoneFromMirrorFallsBackToTheSnapshotArchive) {
  apt_.debs.clear();
  apt_.debs["6.1.1000-1"] = testing::build_deb(testing::kernel_files("n", "newer", "c"));
  http_.serve(snapshot_url(), deb_);
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_FALSE(img->from_cache);
  EXPECT_EQ(img->sha256, sha256_hex(vmlinuz_));
  EXPECT_EQ(img->origin, kPkg + " 6.1.999-1") << "same package, same provenance";
  EXPECT_EQ(apt_.updates, 1); // one update only, never a loop
  EXPECT_EQ(runner_.verbs(), (std::vector<std::string>{"apt-get update", "apt-cache show"}));
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].url, snapshot_url());
  std::string said;
  for (const auto& l : log_)
    said += l + "\n";
  EXPECT_NE(said.find("the Debian mirror no longer lists " + kPkg + " 6.1.999-1"),
            std::string::npos)
      << said;
  EXPECT_NE(said.find("from the snapshot archive (" + snapshot_url() + ")"), std::string::npos)
      << said;
  EXPECT_EQ(kernel_dir_names(), std::vector<std::string>{sha256_hex(vmlinuz_)});
  // And the next run is a cache hit: no apt, no HTTP.
  runner_.commands.clear();
  auto again = fetch_kernel(ctx());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->from_cache);
  EXPECT_TRUE(runner_.commands.empty());
  EXPECT_EQ(http_.requests.size(), 1u);
}

TEST_F(FetchTest, TamperedSnapshotFileIsRefusedAndNamed) {
  apt_.debs.clear();
  const std::string tampered =
      testing::build_deb(testing::kernel_files("6.1.0-99-test", "evil kernel", "CONFIG_BPF=y\n"));
  http_.serve(snapshot_url(), tampered);
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  const std::string msg = img.error().str();
  EXPECT_NE(msg.find("kernel '6.1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("snapshot file refused"), std::string::npos) << msg;
  EXPECT_NE(msg.find(snapshot_url()), std::string::npos) << msg;
  EXPECT_NE(msg.find("expects deb_sha256 " + sha256_hex(deb_) + ", got " + sha256_hex(tampered)),
            std::string::npos)
      << msg;
  EXPECT_TRUE(kernel_dir_names().empty()) << "nothing unverified is cached";
}

TEST_F(FetchTest, SnapshotArchiveWithoutTheFileIsAnErrorNamingTheUrl) {
  apt_.debs.clear();
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("404"), std::string::npos) << img.error().str();
  EXPECT_NE(img.error().str().find(snapshot_url()), std::string::npos) << img.error().str();
}

TEST_F(FetchTest, VersionGoneAndNoSha1InTheLockSaysHowToFixIt) {
  apt_.debs.clear();
  pin_->deb_sha1.clear(); // a lock written before the snapshot fallback existed
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  const std::string msg = img.error().str();
  EXPECT_NE(msg.find("no longer lists " + kPkg + " 6.1.999-1 in suites bookworm bookworm-security"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("records no deb_sha1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vmtest kernels lock --kernel 6.1"), std::string::npos) << msg;
  EXPECT_TRUE(http_.requests.empty());
  EXPECT_TRUE(kernel_dir_names().empty());
}

// A host without Debian apt sources (Ubuntu, Fedora, a bare container) never runs apt: the
// pinned package comes straight from the snapshot archive.
TEST_F(FetchTest, HostWithoutDebianSourcesGoesStraightToTheSnapshot) {
  fs::remove_all(root_ / "parts");
  http_.serve(snapshot_url(), deb_);
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(img->sha256, sha256_hex(vmlinuz_));
  EXPECT_TRUE(runner_.commands.empty());
  std::string said;
  for (const auto& l : log_)
    said += l + "\n";
  EXPECT_NE(said.find("this host has no Debian apt source"), std::string::npos) << said;
  EXPECT_NE(said.find("VMTEST_DEBIAN_MIRROR is not set"), std::string::npos) << said;
}

TEST_F(FetchTest, AptEtcVariableReplacesTheHostsAptConfiguration) {
  const fs::path etc = root_ / "etc-apt";
  fs::create_directories(etc / "sources.list.d"); // a root with no sources at all
  env_["VMTEST_APT_ETC"] = etc.string();
  http_.serve(snapshot_url(), deb_);
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_TRUE(runner_.commands.empty()) << "the fixture's sources in parts/ were not read";
}

TEST_F(FetchTest, DebianMirrorVariableReplacesTheHostsSources) {
  fs::remove_all(root_ / "parts");
  env_["VMTEST_DEBIAN_MIRROR"] = "http://private.test/debian/";
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_TRUE(http_.requests.empty()) << "the mirror had it";
  // No security mirror given: that suite is left out rather than sent to the wrong host.
  auto sources = read_file(root_ / "cache/apt/bookworm/sources.list");
  ASSERT_TRUE(sources.ok());
  EXPECT_NE(sources->find(" http://private.test/debian bookworm main"), std::string::npos)
      << *sources;
  EXPECT_EQ(sources->find("security"), std::string::npos) << *sources;
}

TEST_F(FetchTest, KeyringVariableSignsThePrivateSources) {
  const fs::path key = root_ / "mirror.gpg";
  testing::write_bytes(key, "key");
  env_["VMTEST_DEBIAN_KEYRING"] = key.string();
  ASSERT_TRUE(fetch_kernel(ctx()).ok());
  auto sources = read_file(root_ / "cache/apt/bookworm+bookworm-security/sources.list");
  ASSERT_TRUE(sources.ok());
  EXPECT_NE(sources->find("signed-by=" + key.string() + "]"), std::string::npos) << *sources;
}

TEST_F(FetchTest, DebChecksumMismatchLeavesNoEntry) {
  // The mirror serves different bytes than both the lock and its own index promise.
  const std::string tampered =
      testing::build_deb(testing::kernel_files("6.1.0-99-test", "evil kernel", "CONFIG_BPF=y\n"));
  FakeApt& apt = apt_;
  FakeRunner runner([&](const Command& c) {
    if (c.argv[0] == "apt-get" && c.argv.back().find('=') != std::string::npos &&
        c.argv[c.argv.size() - 2] == "download") {
      testing::write_bytes(c.cwd / (kPkg + "_6.1.999-1_amd64.deb"), tampered);
      return exited(0);
    }
    return apt(c);
  });
  auto c = ctx();
  c.runner = &runner;
  auto img = fetch_kernel(c);
  ASSERT_FALSE(img.ok());
  const std::string msg = img.error().str();
  EXPECT_NE(msg.find("kernel '6.1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(kPkg + " 6.1.999-1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected " + sha256_hex(deb_) + ", got " + sha256_hex(tampered)),
            std::string::npos)
      << msg;
  EXPECT_TRUE(kernel_dir_names().empty());
}

TEST_F(FetchTest, IndexDisagreeingWithLockFailsBeforeDownloading) {
  pin_->deb_sha256 = std::string(64, 'a');
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().what.find("lock expects " + std::string(64, 'a')), std::string::npos)
      << img.error().str();
  EXPECT_EQ(runner_.verbs(), (std::vector<std::string>{"apt-get update", "apt-cache show"}));
  EXPECT_TRUE(kernel_dir_names().empty());
}

TEST_F(FetchTest, VmlinuzMismatchLeavesNoEntry) {
  pin_->vmlinuz_sha256 = std::string(64, 'b');
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().what.find("vmlinuz sha256 mismatch: expected " + std::string(64, 'b') +
                                  ", got " + sha256_hex(vmlinuz_)),
            std::string::npos)
      << img.error().str();
  EXPECT_TRUE(kernel_dir_names().empty());
}

TEST_F(FetchTest, FailedDownloadLeavesCacheUntouched) {
  // An unrelated entry already in the cache must survive untouched.
  ASSERT_TRUE(fetch_kernel(ctx()).ok());
  const auto before = kernel_dir_names();
  apt_.download_fails = true;
  apt_.debs["6.1.1000-1"] = testing::build_deb(testing::kernel_files("n", "newer", "c"));
  pin_->version = "6.1.1000-1";
  pin_->deb_sha256 = sha256_hex(apt_.debs["6.1.1000-1"]);
  pin_->vmlinuz_sha256 = sha256_hex("newer");
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("apt-get download failed"), std::string::npos)
      << img.error().str();
  EXPECT_NE(img.error().str().find("404"), std::string::npos) << img.error().str();
  EXPECT_NE(img.error().str().find("kernel '6.1'"), std::string::npos) << img.error().str();
  EXPECT_EQ(kernel_dir_names(), before);
  EXPECT_EQ(*read_file(root_ / "cache/kernels" / before[0] / "vmlinuz"), vmlinuz_);
}

TEST_F(FetchTest, MissingPinNamesRowAndFixWithoutRunningAnything) {
  pin_.reset();
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_EQ(img.error().context, "kernel '6.1'");
  EXPECT_NE(img.error().what.find("no pin for package " + kPkg), std::string::npos);
  EXPECT_NE(img.error().what.find("vmtest kernels lock"), std::string::npos);
  EXPECT_TRUE(runner_.commands.empty());
}

TEST_F(FetchTest, StalePinForAnotherPackageIsAnError) {
  pin_->package = "linux-image-6.1.0-55-cloud-amd64";
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().what.find("the lock pins linux-image-6.1.0-55-cloud-amd64"),
            std::string::npos);
  EXPECT_TRUE(runner_.commands.empty());
}

TEST_F(FetchTest, DamagedCacheEntryIsReplaced) {
  ASSERT_TRUE(fetch_kernel(ctx()).ok());
  const fs::path v = root_ / "cache/kernels" / sha256_hex(vmlinuz_) / "vmlinuz";
  testing::write_bytes(v, "truncated");
  runner_.commands.clear();
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_FALSE(img->from_cache);
  EXPECT_EQ(*read_file(v), vmlinuz_);
  EXPECT_EQ(kernel_dir_names(), std::vector<std::string>{sha256_hex(vmlinuz_)});
}

TEST_F(FetchTest, RefreshPinPicksNewestVersionAndMeasuresIt) {
  const std::string newer_vmlinuz = "newer kernel image";
  apt_.debs["6.1.1000-1"] =
      testing::build_deb(testing::kernel_files("6.1.0-99-test", newer_vmlinuz, "CONFIG_BPF=y\n"));
  apt_.debs["6.1.99-1"] = testing::build_deb(testing::kernel_files("o", "older", "c"));
  // Without --refresh the pin stays where it is (only completed).
  auto kept = source().refresh(ctx());
  ASSERT_TRUE(kept.ok()) << kept.error().str();
  EXPECT_EQ(kept->version, "6.1.999-1");
  auto pin = source().refresh(ctx(), /*roll_forward=*/true);
  ASSERT_TRUE(pin.ok()) << pin.error().str();
  EXPECT_EQ(pin->package, kPkg);
  EXPECT_EQ(pin->version, "6.1.1000-1"); // numerically newest, not lexically
  EXPECT_EQ(pin->filename, "pool/main/l/" + kPkg + "_6.1.1000-1_amd64.deb");
  EXPECT_EQ(pin->deb_sha256, sha256_hex(apt_.debs["6.1.1000-1"]));
  // What the snapshot fallback will need once the mirror drops this version.
  EXPECT_EQ(pin->deb_sha1, sha1_hex(apt_.debs["6.1.1000-1"]));
  EXPECT_EQ(pin->vmlinuz_sha256, sha256_hex(newer_vmlinuz));
  // A fetch with the new pin is then a cache hit.
  pin_ = *pin;
  runner_.commands.clear();
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_TRUE(img->from_cache);
  EXPECT_TRUE(runner_.commands.empty());
  // The lock entry is the pin, field for field, in the committed order.
  auto j = source().refresh_pin(ctx());
  ASSERT_TRUE(j.ok()) << j.error().str();
  EXPECT_EQ(j->dump(), DebianSource::pin_json(*pin).dump());
  EXPECT_EQ(j->begin().key(), "package");
}

TEST_F(FetchTest, CachedNeedsAPinAndNeverRunsACommand) {
  EXPECT_FALSE(source().cached(ctx()).has_value());
  ASSERT_TRUE(fetch_kernel(ctx()).ok());
  runner_.commands.clear();
  auto hit = source().cached(ctx());
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(hit->from_cache);
  pin_.reset();
  EXPECT_FALSE(source().cached(ctx()).has_value());
  EXPECT_TRUE(runner_.commands.empty());
  EXPECT_EQ(source().pin_summary(), "(unpinned)");
  EXPECT_TRUE(source().lock_pin().is_null());
}

} // namespace vmtest

namespace vmtest {

// Two vmtest processes sharing a cache used to run apt in one private state dir at once, and
// apt failed the second ("Could not get lock"). Every apt command now runs while this process
// holds the state dir's lock file; a second process (here: a second open of the lock file,
// which flock treats the same way) finds it busy.
TEST_F(FetchTest, EveryAptCommandRunsUnderThePrivateAptLock) {
  const fs::path lock = root_ / "cache/locks/apt-bookworm+bookworm-security.lock";
  std::vector<std::string> free_during;
  FakeRunner checking([&](const Command& c) {
    if (FileLock::try_acquire(lock, "apt state")) free_during.push_back(c.argv[0]);
    return apt_(c);
  });
  FetchContext c = ctx();
  c.runner = &checking;
  auto img = fetch_kernel(c);
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(checking.commands.size(), 3u);
  EXPECT_TRUE(free_during.empty()) << "apt ran without the lock: " << free_during.front();
  EXPECT_TRUE(FileLock::try_acquire(lock, "apt state").ok()) << "released after the fetch";
}

TEST_F(FetchTest, ADamagedEntryIsAMissThenReplacedAndTheFetchSaysWhy) {
  auto first = fetch_kernel(ctx());
  ASSERT_TRUE(first.ok()) << first.error().str();
  testing::write_bytes(first->vmlinuz, "bit rot");
  EXPECT_FALSE(source().cached(ctx()).has_value());
  EXPECT_TRUE(fs::exists(first->vmlinuz)) << "a lookup must not delete";
  auto again = fetch_kernel(ctx());
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_NE(again->replaced_damaged.find("vmlinuz sha256 mismatch"), std::string::npos)
      << again->replaced_damaged;
  EXPECT_EQ(*read_file(again->vmlinuz), vmlinuz_);
  EXPECT_EQ(kernel_dir_names(), std::vector<std::string>{sha256_hex(vmlinuz_)});
  // A third fetch is a plain cache hit: nothing replaced, nothing said.
  auto hit = fetch_kernel(ctx());
  ASSERT_TRUE(hit.ok());
  EXPECT_TRUE(hit->from_cache);
  EXPECT_EQ(hit->replaced_damaged, "");
}

} // namespace vmtest
