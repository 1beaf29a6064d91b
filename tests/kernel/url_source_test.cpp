// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "fake_http.h"
#include "kernel/env_vars.h"
#include "kernel/url_source.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using testing::FakeHttp;

namespace {
// Just enough of an x86 boot image: the "HdrS" setup-header magic at 0x202.
std::string fake_bzimage(const std::string& tag) {
  std::string b(0x400, '\0');
  b.replace(0x202, 4, "HdrS");
  return b + tag;
}

class UrlTest : public ::testing::Test {
protected:
  void SetUp() override { root_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-url-"); }
  void TearDown() override { fs::remove_all(root_); }
  FetchContext ctx() {
    FetchContext c;
    c.cache_dir = root_ / "cache";
    c.http = &http_;
    c.env = [](const std::string& n) { return n == "MIRROR" ? std::string("http://m.test/") : ""; };
    return c;
  }
  static UrlSource row(const std::string& url, const std::string& sha) {
    return UrlSource("5.15", url, sha);
  }
  static Result<KernelImage> fetch_kernel(const UrlSource& src, const FetchContext& c) {
    return src.fetch(c);
  }
  size_t cache_entries() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_ / "cache/kernels", ec))
      if (e.path().filename().string()[0] != '.') ++n;
    return n;
  }
  fs::path root_;
  FakeHttp http_;
};
} // namespace

TEST_F(UrlTest, BareBzImageWithEnvHost) {
  const std::string bz = fake_bzimage("5.15");
  http_.serve("http://m.test/k/bzImage", bz);
  auto r = row("${MIRROR}/k/bzImage", sha256_hex(bz));
  auto img = fetch_kernel(r, ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(*read_file(img->vmlinuz), bz);
  EXPECT_TRUE(img->config.empty());
  EXPECT_EQ(img->origin, "url ${MIRROR}/k/bzImage") << "the host stays out of results";
  http_.requests.clear();
  auto again = fetch_kernel(r, ctx());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->from_cache);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(UrlTest, TarballWithBootVmlinuz) {
  const std::string tgz =
      testing::build_tar({{"linux-5.15/boot/vmlinuz-5.15.170", "kernel"},
                          {"linux-5.15/boot/config-5.15.170", "CONFIG_BPF=y\n"}},
                         testing::DataFilter::xz);
  http_.serve("http://m.test/k.tar.xz", tgz);
  auto img = fetch_kernel(row("http://m.test/k.tar.xz", sha256_hex(tgz)), ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(*read_file(img->vmlinuz), "kernel");
  EXPECT_EQ(*read_file(img->config), "CONFIG_BPF=y\n");
}

TEST_F(UrlTest, NotFoundWrongShaAndUnsafeEntriesAreClearAndCacheUntouched) {
  auto missing = fetch_kernel(row("http://m.test/nope", std::string(64, 'a')), ctx());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().str().find("http://m.test/nope: download failed: HTTP 404 Not Found"),
            std::string::npos)
      << missing.error().str();

  http_.serve("http://m.test/k", fake_bzimage("x"));
  auto wrong = fetch_kernel(row("http://m.test/k", std::string(64, 'a')), ctx());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().str().find("sha256 mismatch: expected " + std::string(64, 'a') +
                                     ", got " + sha256_hex(fake_bzimage("x"))),
            std::string::npos)
      << wrong.error().str();

  const std::string evil =
      testing::build_tar({{"boot/vmlinuz-1", "k"}, {"../x", "y"}}, testing::DataFilter::gzip);
  http_.serve("http://m.test/evil.tgz", evil);
  auto unsafe = fetch_kernel(row("http://m.test/evil.tgz", sha256_hex(evil)), ctx());
  ASSERT_FALSE(unsafe.ok());
  EXPECT_NE(unsafe.error().str().find("refusing unsafe path '../x'"), std::string::npos)
      << unsafe.error().str();
  EXPECT_EQ(cache_entries(), 0u);
}

TEST_F(UrlTest, UnsetVariableMakesTheRowUnavailable) {
  auto r = row("${NOT_SET}/bzImage", std::string(64, 'a'));
  auto c = ctx();
  c.env = [](const std::string&) { return std::string(); };
  EXPECT_EQ(r.unavailable_reason(c), "set $NOT_SET (the url URL is ${NOT_SET}/bzImage)");
  EXPECT_TRUE(http_.connects.empty()) << "nothing to connect to";
  EXPECT_EQ(missing_env_vars(
                "${A}/x/${B}",
                [](const std::string& n) { return n == "A" ? std::string("a") : std::string(); }),
            std::vector<std::string>{"B"});
  EXPECT_EQ(*expand_env_vars("${A}/x", [](const std::string&) { return std::string("h/"); }),
            "h/x");
}

TEST_F(UrlTest, DeadHostIsUnavailableButA404IsAnError) {
  auto r = row("${MIRROR}/k/bzImage", std::string(64, 'a'));
  EXPECT_EQ(r.unavailable_reason(ctx()), "") << "the host answers; a 404 would be a real error";
  http_.unreachable.insert("http://m.test");
  auto c = ctx();
  EXPECT_EQ(r.unavailable_reason(c), "http://m.test is unreachable (Could not resolve host)");
  EXPECT_EQ(r.describe(), "${MIRROR}/k/bzImage") << "no host from the environment";
}

} // namespace vmtest
