// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "fake_http.h"
#include "kernel/oci_manifest.h"
#include "kernel/oci_registry.h"
#include "kernel/oci_source.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vmtest {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::DataFilter;
using testing::DebFile;
using testing::FakeHttp;

namespace {
const std::string kBase = "http://registry.test";
const std::string kRepo = "lvh-images/kernel-images";
const std::string kVmlinuz = "MZ fake bzImage for 6.1";

std::string digest_of(const std::string& bytes) {
  return "sha256:" + sha256_hex(bytes);
}

// An lvh-style kernel image served by FakeHttp: busybox-ish base layer plus a layer with
// data/kernels/<name>/boot/{vmlinuz,config}-<release>.
class OciTest : public ::testing::Test {
protected:
  void SetUp() override { root_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-oci-"); }
  void TearDown() override { fs::remove_all(root_); }

  FetchContext ctx() {
    FetchContext c;
    c.cache_dir = root_ / "cache";
    c.http = &http_;
    c.env = [](const std::string& n) {
      return n == "VMTEST_OCI_REGISTRY" ? std::string("http://registry.test") : std::string();
    };
    return c;
  }

  std::string blob(const std::string& bytes) {
    const auto d = digest_of(bytes);
    http_.serve(kBase + "/v2/" + kRepo + "/blobs/" + d, bytes);
    return d;
  }
  json descriptor(const std::string& media, const std::string& bytes) {
    return {{"mediaType", media}, {"digest", blob(bytes)}, {"size", bytes.size()}};
  }
  // Serves a manifest under its digest (and `tag`, when given); returns its digest.
  std::string manifest(const json& doc, const std::string& tag = "") {
    const std::string body = doc.dump();
    const auto d = digest_of(body);
    const std::string mt = doc.value("mediaType", "");
    http_.serve(kBase + "/v2/" + kRepo + "/manifests/" + d, body, {{"content-type", mt}});
    if (!tag.empty())
      http_.serve(kBase + "/v2/" + kRepo + "/manifests/" + tag, body,
                  {{"content-type", mt}, {"docker-content-digest", d}});
    return d;
  }
  std::string image_manifest(const std::string& arch, std::vector<std::string> layers,
                             const std::string& tag = "", DataFilter f = DataFilter::gzip) {
    json cfg = {{"architecture", arch}, {"os", "linux"}, {"rootfs", {{"type", "layers"}}}};
    json ls = json::array();
    for (const auto& l : layers)
      ls.push_back(descriptor(f == DataFilter::zstd ? "application/vnd.oci.image.layer.v1.tar+zstd"
                                                    : "application/vnd.oci.image.layer.v1.tar+gzip",
                              l));
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config", descriptor("application/vnd.oci.image.config.v1+json", cfg.dump())},
              {"layers", ls}};
    return manifest(m, tag);
  }
  std::string index(const std::vector<std::pair<std::string, std::string>>& arch_digests,
                    const std::string& tag) {
    json ms = json::array();
    for (const auto& [arch, d] : arch_digests)
      ms.push_back({{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                    {"digest", d},
                    {"size", 1},
                    {"platform", {{"architecture", arch}, {"os", "linux"}}}});
    return manifest({{"schemaVersion", 2},
                     {"mediaType", "application/vnd.oci.image.index.v1+json"},
                     {"manifests", ms}},
                    tag);
  }
  static std::string base_layer(DataFilter f = DataFilter::gzip) {
    return testing::build_tar({{"bin/busybox", "busybox"}, {"etc/passwd", "root:x:0:0"}}, f);
  }
  static std::string kernel_layer(const std::string& vmlinuz = kVmlinuz,
                                  DataFilter f = DataFilter::gzip) {
    return testing::build_tar({{"data/kernels/6.6/boot/vmlinuz-6.6.60", vmlinuz},
                               {"data/kernels/6.6/boot/config-6.6.60", "CONFIG_BPF=y\n"},
                               {"data/kernels/6.6/boot/vmlinux-6.6.60", "elf"},
                               {"data/kernels/6.6/lib/modules/6.6.60/modules.dep", ""}},
                              f);
  }
  size_t cache_entries() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_ / "cache/kernels", ec))
      if (e.path().filename().string()[0] != '.') ++n;
    return n;
  }

  OciSource source() const { return OciSource("6.6", OciRef{"", kRepo, "6.6-main"}, pin_); }
  Result<KernelImage> fetch_kernel(const FetchContext& c) const { return source().fetch(c); }

  fs::path root_;
  FakeHttp http_;
  OciPin pin_;
};
} // namespace

TEST_F(OciTest, PullsIndexPicksAmd64AndCachesByContent) {
  const auto arm = image_manifest("arm64", {base_layer(), kernel_layer("arm kernel")});
  const auto amd = image_manifest("amd64", {base_layer(), kernel_layer()});
  const auto top = index({{"arm64", arm}, {"amd64", amd}}, "6.6-main");

  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_FALSE(img->from_cache);
  EXPECT_EQ(*read_file(img->vmlinuz), kVmlinuz);
  EXPECT_EQ(*read_file(img->config), "CONFIG_BPF=y\n");
  EXPECT_EQ(img->sha256, sha256_hex(kVmlinuz));
  EXPECT_NE(img->origin.find(kRepo + ":6.6-main@" + top), std::string::npos) << img->origin;
  EXPECT_EQ(img->origin.find("registry.test"), std::string::npos) << "no host in origins";
  EXPECT_EQ(http_.count(arm), 0u) << "the arm64 manifest is never fetched";

  // Pinned to the index digest: a cache hit without a single request.
  pin_ = OciPin{top, "", ""};
  http_.requests.clear();
  auto again = fetch_kernel(ctx());
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_TRUE(again->from_cache);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(OciTest, ZstdLayersAndLaterLayersWin) {
  image_manifest(
      "amd64",
      {kernel_layer("old kernel", DataFilter::zstd), kernel_layer(kVmlinuz, DataFilter::zstd)},
      "6.6-main", DataFilter::zstd);
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(*read_file(img->vmlinuz), kVmlinuz);
}

TEST_F(OciTest, AnonymousBearerTokenIsFetchedAndUsed) {
  image_manifest("amd64", {base_layer(), kernel_layer()}, "6.6-main");
  http_.protected_prefix = kBase + "/v2/";
  http_.bearer_token = "t0ken";
  http_.challenge = "Bearer realm=\"http://auth.test/token\",service=\"registry.test\","
                    "scope=\"repository:" +
                    kRepo + ":pull\"";
  http_.serve("http://auth.test/token?service=registry.test&scope=repository%3Alvh-images%2F"
              "kernel-images%3Apull",
              R"({"token": "t0ken", "expires_in": 300})");
  auto img = fetch_kernel(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(http_.count("auth.test/token"), 1u) << "one token serves the whole pull";
}

TEST_F(OciTest, BasicAuthChallengeIsAClearError) {
  image_manifest("amd64", {kernel_layer()}, "6.6-main");
  http_.protected_prefix = kBase + "/v2/";
  http_.bearer_token = "never";
  http_.challenge = "Basic realm=\"private\"";
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("only pulls anonymously"), std::string::npos)
      << img.error().str();
}

TEST_F(OciTest, IndexWithoutAmd64NamesWhatItOffers) {
  const auto arm = image_manifest("arm64", {kernel_layer()});
  index({{"arm64", arm}}, "6.6-main");
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("no linux/amd64 manifest (it offers: linux/arm64)"),
            std::string::npos)
      << img.error().str();
  EXPECT_EQ(cache_entries(), 0u);
}

TEST_F(OciTest, SingleManifestForAnotherArchitectureIsRejected) {
  image_manifest("arm64", {kernel_layer()}, "6.6-main");
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("image is for linux/arm64, not linux/amd64"), std::string::npos)
      << img.error().str();
  EXPECT_EQ(cache_entries(), 0u);
}

TEST_F(OciTest, LayerDigestMismatchLeavesTheCacheUntouched) {
  const std::string layer = kernel_layer();
  image_manifest("amd64", {layer}, "6.6-main");
  // The registry (or a proxy) serves other bytes under the layer's digest.
  http_.serve(kBase + "/v2/" + kRepo + "/blobs/" + digest_of(layer), kernel_layer("evil"));
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("blob digest mismatch: expected " + digest_of(layer)),
            std::string::npos)
      << img.error().str();
  EXPECT_EQ(cache_entries(), 0u);
}

TEST_F(OciTest, PinnedDigestMismatchIsAnError) {
  image_manifest("amd64", {kernel_layer()}, "6.6-main");
  const std::string pinned = "sha256:" + std::string(64, 'a');
  // Someone re-pushed: the digest URL answers with a document that hashes differently.
  http_.serve(kBase + "/v2/" + kRepo + "/manifests/" + pinned, R"({"schemaVersion":2})");
  pin_ = OciPin{pinned, "", ""};
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("manifest digest mismatch: expected " + pinned),
            std::string::npos)
      << img.error().str();
}

TEST_F(OciTest, PinnedVmlinuzMismatchIsAnErrorAndNothingIsCached) {
  const auto d = image_manifest("amd64", {kernel_layer()}, "6.6-main");
  pin_ = OciPin{d, std::string(64, 'b'), ""};
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("vmlinuz sha256 mismatch"), std::string::npos);
  EXPECT_EQ(cache_entries(), 0u);
}

TEST_F(OciTest, UnsafeLayerEntriesFailThePull) {
  for (const char* bad : {"../../etc/cron.d/x", "/etc/passwd", "data/../../escape"}) {
    http_.routes.clear();
    image_manifest(
        "amd64",
        {testing::build_tar({{"data/kernels/6.6/boot/vmlinuz-6.6.60", kVmlinuz}, {bad, "payload"}},
                            DataFilter::gzip)},
        "6.6-main");
    auto img = fetch_kernel(ctx());
    ASSERT_FALSE(img.ok()) << bad;
    EXPECT_NE(img.error().str().find("refusing unsafe path"), std::string::npos)
        << img.error().str();
    EXPECT_EQ(cache_entries(), 0u) << bad;
  }
}

TEST_F(OciTest, MissingTagNamesTheUrlAnd404) {
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("not found (HTTP 404 Not Found)"), std::string::npos)
      << img.error().str();
  EXPECT_NE(img.error().str().find(kBase + "/v2/" + kRepo + "/manifests/6.6-main"),
            std::string::npos);
}

TEST_F(OciTest, ImageWithoutKernelSaysWhereItLooked) {
  image_manifest("amd64", {base_layer()}, "6.6-main");
  auto img = fetch_kernel(ctx());
  ASSERT_FALSE(img.ok());
  EXPECT_NE(
      img.error().str().find("no kernel in the image (looked for data/kernels/*/boot/vmlinuz-*"),
      std::string::npos)
      << img.error().str();
}

// Trust on first use: an empty pin pulls the tag once, says so once, and hands the measured
// pin to the recorder (the CLI writes it into the lock); from then on both hashes are required.
TEST_F(OciTest, FirstPullRecordsThePinAndLaterFetchesRequireIt) {
  const auto d = image_manifest("amd64", {kernel_layer()}, "6.6-main");
  std::vector<std::string> log;
  std::vector<nlohmann::ordered_json> recorded;
  auto c = ctx();
  c.log = [&](const std::string& l) { log.push_back(l); };
  c.record_pin = [&](const std::string& row, const std::string& kind,
                     const nlohmann::ordered_json& pin) -> Result<std::string> {
    EXPECT_EQ(row, "6.6");
    EXPECT_EQ(kind, "oci");
    recorded.push_back(pin);
    return std::string("kernels/matrix.lock.json");
  };
  auto img = fetch_kernel(c);
  ASSERT_TRUE(img.ok()) << img.error().str();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0]["oci_digest"], d);
  EXPECT_EQ(recorded[0]["vmlinuz_sha256"], sha256_hex(kVmlinuz));
  size_t said = 0;
  for (const auto& l : log)
    if (l.find("trust on first use: tag '6.6-main' resolved to " + d) != std::string::npos) {
      ++said;
      EXPECT_NE(l.find("pinned in kernels/matrix.lock.json: commit it"), std::string::npos) << l;
    }
  EXPECT_EQ(said, 1u);

  // Pinned now: a cache hit, and nothing recorded again.
  pin_ = OciPin{recorded[0]["oci_digest"], recorded[0]["vmlinuz_sha256"], ""};
  auto hit = fetch_kernel(c);
  ASSERT_TRUE(hit.ok()) << hit.error().str();
  EXPECT_TRUE(hit->from_cache);
  EXPECT_EQ(recorded.size(), 1u);
  // The same digest with another vmlinuz in the lock is refused, cached entry or not.
  pin_.vmlinuz_sha256 = std::string(64, 'c');
  auto wrong = fetch_kernel(c);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().str().find("vmlinuz sha256 mismatch: expected " + std::string(64, 'c')),
            std::string::npos)
      << wrong.error().str();
}

TEST_F(OciTest, RefreshPinResolvesTheTag) {
  const auto d = image_manifest("amd64", {kernel_layer()}, "6.6-main");
  auto pin = source().refresh_pin(ctx());
  ASSERT_TRUE(pin.ok()) << pin.error().str();
  EXPECT_EQ((*pin)["oci_digest"], d);
  EXPECT_EQ((*pin)["vmlinuz_sha256"], sha256_hex(kVmlinuz));
  EXPECT_EQ(pin->begin().key(), "oci_digest") << "the committed field order";
}

TEST_F(OciTest, RegistryFromTheMatrixUnlessTheEnvironmentOverridesIt) {
  const OciSource pub("6.6", OciRef{"quay.io", kRepo, "6.6-main"}, {});
  EXPECT_EQ(pub.describe(), kRepo + ":6.6-main on quay.io");
  auto c = ctx();
  c.env = [](const std::string&) { return std::string(); };
  EXPECT_EQ(pub.unavailable_reason(c), "");
  EXPECT_EQ(http_.connects, std::vector<std::string>{"https://quay.io/v2/"});
  // A private mirror replaces the public host for every oci source.
  EXPECT_EQ(pub.unavailable_reason(ctx()), "");
  EXPECT_EQ(http_.connects.back(), kBase + "/v2/");
  // Neither: not available, and no connect is tried.
  const OciSource none("6.6", OciRef{"", kRepo, "6.6-main"}, {});
  http_.connects.clear();
  EXPECT_NE(none.unavailable_reason(c).find("set VMTEST_OCI_REGISTRY"), std::string::npos);
  EXPECT_TRUE(http_.connects.empty());
}

TEST_F(OciTest, UnreachableRegistryIsUnavailableAndAskedOncePerRun) {
  http_.unreachable.insert(kBase);
  auto c = ctx();
  const std::string why = source().unavailable_reason(c);
  EXPECT_EQ(why, "registry " + kBase + " is unreachable (Could not resolve host)");
  // A second row of the same run reuses the verdict instead of waiting again.
  const OciSource other("5.15", OciRef{"", kRepo, "5.15-main"}, {});
  EXPECT_EQ(other.unavailable_reason(c), why);
  EXPECT_EQ(http_.connects.size(), 1u);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(OciTest, PinnedImageInTheCacheNeedsNoRegistry) {
  const auto d = image_manifest("amd64", {kernel_layer()}, "6.6-main");
  pin_ = OciPin{d, sha256_hex(kVmlinuz), ""};
  ASSERT_TRUE(fetch_kernel(ctx()).ok());
  http_.unreachable.insert(kBase);
  http_.requests.clear();
  auto hit = source().cached(ctx());
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->sha256, sha256_hex(kVmlinuz));
  EXPECT_TRUE(http_.requests.empty());
  EXPECT_TRUE(http_.connects.empty());
}

TEST(OciRegistry, ConfigComesFromTheEnvironment) {
  auto env = [](std::map<std::string, std::string> m) {
    return [m](const std::string& n) { return m.count(n) ? m.at(n) : std::string(); };
  };
  EXPECT_FALSE(oci_registry_from_env(env({})).has_value());
  EXPECT_EQ(oci_registry_from_env(env({{"VMTEST_OCI_REGISTRY", "reg.test"}}))->base_url,
            "https://reg.test");
  EXPECT_EQ(oci_registry_from_env(
                env({{"VMTEST_OCI_REGISTRY", "127.0.0.1:5000"}, {"VMTEST_OCI_INSECURE", "1"}}))
                ->base_url,
            "http://127.0.0.1:5000");
  EXPECT_EQ(
      oci_registry_from_env(env({{"VMTEST_OCI_REGISTRY", "http://127.0.0.1:5000/"}}))->base_url,
      "http://127.0.0.1:5000");
}

TEST(OciRegistry, ParsesBearerChallenges) {
  auto c = parse_bearer_challenge(
      R"(Bearer realm="https://auth.test/token",service="reg",scope="repository:a/b:pull,push")");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ((*c)["realm"], "https://auth.test/token");
  EXPECT_EQ((*c)["service"], "reg");
  EXPECT_EQ((*c)["scope"], "repository:a/b:pull,push");
  EXPECT_FALSE(parse_bearer_challenge("Basic realm=\"x\"").has_value());
}

TEST(OciManifest, RejectsMalformedDigestsAndUnknownTypes) {
  EXPECT_FALSE(parse_oci_document(R"({"manifests":[{"digest":"md5:abc"}]})", "", "t").ok());
  auto r = parse_oci_document(
      R"({"mediaType":"application/vnd.docker.distribution.manifest.v1+json","config":{}})", "",
      "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().what.find("unsupported manifest media type"), std::string::npos);
}

} // namespace vmtest
