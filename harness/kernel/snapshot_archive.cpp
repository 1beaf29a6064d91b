// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/snapshot_archive.h"

#include "core/sha256.h"

#include <fstream>
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
