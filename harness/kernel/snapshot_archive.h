// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Debian's snapshot archive keeps every file the Debian archive ever published, long after a
// mirror dropped it, and serves each one by content at <base>/file/<sha1>. A pinned kernel
// package is fetched from there when the mirror no longer lists it (or the host has no Debian
// mirror at all), so a lock written today still boots the same bytes next year. The address
// comes from the lock alone (its deb_sha1), and what arrives is checked against the lock's
// deb_sha256 before anything opens it.
#include "core/result.h"
#include "kernel/env_vars.h"
#include "kernel/http_client.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace vmtest {

// Replaces the public snapshot archive (a private mirror of it, or a loopback server in tests).
inline constexpr const char* kDebianSnapshotEnv = "VMTEST_DEBIAN_SNAPSHOT";
inline constexpr const char* kDefaultDebianSnapshot = "https://snapshot.debian.org";

// $VMTEST_DEBIAN_SNAPSHOT without trailing slashes, or the public archive.
std::string debian_snapshot_base(const EnvLookup& env);
// <base>/file/<sha1>
std::string snapshot_file_url(const std::string& base, const std::string& sha1);

bool is_sha1_hex(std::string_view s); // 40 lowercase hex digits

// Downloads <base>/file/<sha1> to `dest` and insists that its sha256 is `expected_sha256` (and
// its SHA-1 is the one asked for). A mismatch removes the file and names the URL and both
// hashes: a tampered or wrong snapshot file is refused, never opened.
Result<void> fetch_snapshot_file(HttpClient& http, const std::string& base,
                                 const std::string& sha1, const std::string& expected_sha256,
                                 const std::filesystem::path& dest);

} // namespace vmtest
