// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// kernels/matrix.lock.json: what each row's sources resolved to when someone last measured
// them - the exact Debian package version, the OCI digest, the sha256 of a local image - with
// the hashes that make an image trustworthy. Debian drops old point releases from its mirrors
// and registries move tags, so the matrix alone ("the 6.1 cloud kernel") would silently change
// meaning; the lock turns that into a reproducible input and a loud error when it can no longer
// be met.
//
// Format 2 keys pins by row and then by source kind, because a row may list several sources:
//   {"format": 2, "kernels": {"4.18": {"local": {...}, "oci": {...}}, "6.1": {"debian": {...}}}}
// Each kind reads and writes its own entry (see its <kind>_source.cpp); this file only keeps
// them. Format 1 (one flat entry per row, debian or oci) is still read.
#include "core/result.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace vmtest {

struct LockFile {
  // row -> source kind -> that kind's pin, exactly as the kind wrote it.
  std::map<std::string, std::map<std::string, nlohmann::ordered_json>> pins;
  // The pin of `kind` for `row`; null when there is none.
  nlohmann::ordered_json find(const std::string& row, const std::string& kind) const;
};

// A missing file is an empty lock (every source that needs a pin then names its row); a
// malformed one is an error, because guessing would defeat the point of a lock.
Result<LockFile> load_lock(const std::filesystem::path& lock_json);
// The file's text; `origin` (the path) names the file in every error.
Result<LockFile> parse_lock(std::string_view text, const std::string& origin);
// Always writes format 2: rows and kinds sorted, fields in the order each kind gave them.
Result<void> save_lock(const std::filesystem::path& lock_json, const LockFile& lock);

// Loads the lock, sets pins[row][kind] = pin and saves it atomically; every other pin stays
// byte for byte. A missing file becomes a lock holding just this pin.
Result<void> record_pin_in_lock(const std::filesystem::path& lock_json, const std::string& row,
                                const std::string& kind, const nlohmann::ordered_json& pin);

bool is_sha256_hex(std::string_view s);
bool is_sha256_digest_string(std::string_view s); // "sha256:<64 hex>"

} // namespace vmtest
