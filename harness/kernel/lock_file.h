#pragma once
// kernels/matrix.lock.json: the exact Debian package version behind each debian row (and the
// OCI digest behind each oci row), with
// the hashes that make a download trustworthy. Debian drops old point releases from its
// mirrors, so the matrix alone ("the 6.1 cloud kernel") would silently change meaning; the
// lock turns that into a reproducible input and a loud error when it can no longer be met.
#include "core/result.h"

#include <filesystem>
#include <map>
#include <string>

namespace vmtest {

struct DebPin {
  std::string package;        // linux-image-6.1.0-56-cloud-amd64
  std::string version;        // 6.1.192-2
  std::string filename;       // pool/... path, as apt's index names it (for humans and audits)
  std::string deb_sha256;     // checked before the archive is opened
  std::string vmlinuz_sha256; // names the cache entry; checked after extraction
};

// An oci row's pin: the manifest (or index) digest its tag resolved to, and the vmlinuz found
// in it. Either may be empty - explicitly so in the committed file - when nobody could reach
// the registry to measure it; fetches then trust the tag once and say how to pin it.
struct OciPin {
  std::string manifest_digest; // "sha256:<hex>" or ""
  std::string vmlinuz_sha256;  // "<hex>" or ""
};

struct LockFile {
  std::map<std::string, DebPin> pins;    // debian rows, by row name
  std::map<std::string, OciPin> oci;     // oci rows, by row name
};

// A missing file is an empty lock (every debian row then reports its missing pin by name);
// a malformed one is an error, because guessing would defeat the point of a lock.
Result<LockFile> load_lock(const std::filesystem::path& lock_json);
Result<void> save_lock(const std::filesystem::path& lock_json, const LockFile& lock);

bool is_sha256_hex(std::string_view s);
bool is_sha256_digest_string(std::string_view s); // "sha256:<64 hex>"

} // namespace vmtest
