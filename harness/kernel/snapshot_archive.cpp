// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/snapshot_archive.h"

#include "core/sha256.h"

#include <fstream>
#include <memory>
#include <openssl/evp.h>
#include <system_error>
#include <vector>

namespace vmtest {
namespace fs = std::filesystem;

std::string debian_snapshot_base(const EnvLookup& env) {
  std::string base = env(kDebianSnapshotEnv);
  if (base.empty()) base = kDefaultDebianSnapshot;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base;
}

std::string snapshot_file_url(const std::string& base, const std::string& sha1) {
  return base + "/file/" + sha1;
}

bool is_sha1_hex(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

namespace {
// SHA-1 only as the snapshot archive's address: trust comes from the lock's sha256.
struct Sha1 {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  Sha1() { EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr); }
  void update(const void* p, size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out.push_back(digits[md[i] >> 4]);
      out.push_back(digits[md[i] & 0xf]);
    }
    return out;
  }
};
} // namespace

std::string sha1_hex(std::string_view data) {
  Sha1 h;
  h.update(data.data(), data.size());
  return h.hex();
}

Result<std::string> sha1_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno_error("cannot open for hashing", path.string());
  Sha1 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return errno_error("read failed while hashing", path.string());
  return h.hex();
}

Result<void> fetch_snapshot_file(HttpClient& http, const std::string& base,
                                 const std::string& sha1, const std::string& expected_sha256,
                                 const fs::path& dest) {
  const std::string url = snapshot_file_url(base, sha1);
  if (auto d = download_file(http, url, dest); !d) return d.error();
  auto sha = sha256_file(dest);
  if (!sha) return sha.error();
  auto one = sha1_file(dest);
  if (!one) return one.error();
  std::error_code ec;
  if (*sha != expected_sha256) {
    fs::remove(dest, ec);
    return Error{"snapshot file refused: sha256 mismatch: the lock expects deb_sha256 " +
                     expected_sha256 + ", got " + *sha + " (tampered or not the pinned package)",
                 url};
  }
  if (*one != sha1) {
    fs::remove(dest, ec);
    return Error{"snapshot file refused: its SHA-1 is " + *one + ", not the " + sha1 + " asked for",
                 url};
  }
  return {};
}

} // namespace vmtest
