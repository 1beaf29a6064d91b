// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/lock_file.h"

#include "core/fs.h"
#include "results/byte_text.h"
#include "results/json_read.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {
constexpr int kFormat = 2;
} // namespace

bool is_sha256_digest_string(std::string_view s) {
  return s.substr(0, 7) == "sha256:" && is_sha256_hex(s.substr(7));
}

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

ordered_json LockFile::find(const std::string& row, const std::string& kind) const {
  auto r = pins.find(row);
  if (r == pins.end()) return nullptr;
  auto k = r->second.find(kind);
  return k == r->second.end() ? ordered_json(nullptr) : k->second;
}

Result<LockFile> load_lock(const fs::path& lock_json) {
  std::error_code ec;
  if (!fs::exists(lock_json, ec)) return LockFile{};
  auto text = read_file(lock_json);
  if (!text) return text.error();
  return parse_lock(*text, lock_json.string());
}

Result<LockFile> parse_lock(std::string_view text, const std::string& where) {
  auto parsed = json_read::parse<ordered_json>(text);
  if (!parsed) return Error{"not a lock file: " + parsed.error().what, where};
  const ordered_json& j = *parsed;
  if (!j.is_object()) return Error{"not a JSON object", where};
  // Compared as the JSON value it is: "format": 4294967298 or 2.5 must not read as 2.
  auto f = j.find("format");
  const bool known = f != j.end() && f->is_number_integer() &&
                     (*f == ordered_json(1) || *f == ordered_json(kFormat));
  if (!known)
    return Error{"unsupported lock format " + (f == j.end() ? std::string("(none)") : f->dump()) +
                     " (expected \"format\": " + std::to_string(kFormat) + ")",
                 where};
  const int format = f->get<int>();
  LockFile lock;
  auto kernels = j.find("kernels");
  if (kernels == j.end()) return lock;
  if (!kernels->is_object()) return Error{"\"kernels\" must be an object", where};
  for (const auto& [row, entry] : kernels->items()) {
    const std::string ctx = where + ": kernel '" + row + "'";
    if (!entry.is_object()) return Error{"pin must be an object", ctx};
    if (format == 1) {
      // One source per row then: an oci pin says so by its digest field, anything else was
      // a debian package.
      lock.pins[row][entry.contains("oci_digest") ? "oci" : "debian"] = entry;
      continue;
    }
    for (const auto& [kind, pin] : entry.items()) {
      if (!pin.is_object()) return Error{"the '" + kind + "' pin must be an object", ctx};
      lock.pins[row][kind] = pin;
    }
  }
  return lock;
}

Result<void> save_lock(const fs::path& lock_json, const LockFile& lock) {
  // Sorted rows and kinds, and each pin's fields in the order its kind wrote them, so
  // `vmtest kernels lock` produces reviewable one-line diffs instead of a reshuffle.
  ordered_json kernels = ordered_json::object();
  for (const auto& [row, kinds] : lock.pins) {
    ordered_json r = ordered_json::object();
    for (const auto& [kind, pin] : kinds)
      if (!pin.is_null()) r[kind] = pin;
    if (!r.empty()) kernels[row] = std::move(r);
  }
  ordered_json j = {{"format", kFormat}, {"kernels", kernels}};
  return write_file_atomic(lock_json, dump_json(j, 2) + "\n");
}

Result<void> record_pin_in_lock(const fs::path& lock_json, const std::string& row,
                                const std::string& kind, const ordered_json& pin) {
  auto lock = load_lock(lock_json);
  if (!lock) return lock.error();
  lock->pins[row][kind] = pin;
  return save_lock(lock_json, *lock);
}

} // namespace vmtest
