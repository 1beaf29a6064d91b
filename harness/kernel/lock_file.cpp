#include "kernel/lock_file.h"

#include "core/fs.h"

#include <map>
#include <nlohmann/json.hpp>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr int kFormat = 1;

Result<std::string> required_string(const json& obj, const char* key, const std::string& ctx) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty())
    return Error{std::string("missing or empty string field '") + key + "'", ctx};
  return it->get<std::string>();
}
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

Result<LockFile> load_lock(const fs::path& lock_json) {
  std::error_code ec;
  if (!fs::exists(lock_json, ec)) return LockFile{};
  auto text = read_file(lock_json);
  if (!text) return text.error();
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  const std::string where = lock_json.string();
  if (j.is_discarded() || !j.is_object()) return Error{"not a JSON object", where};
  if (j.value("format", 0) != kFormat)
    return Error{"unsupported lock format (expected \"format\": " + std::to_string(kFormat) + ")",
                 where};
  LockFile lock;
  auto kernels = j.find("kernels");
  if (kernels == j.end()) return lock;
  if (!kernels->is_object()) return Error{"\"kernels\" must be an object", where};
  for (const auto& [row, entry] : kernels->items()) {
    const std::string ctx = where + ": kernel '" + row + "'";
    if (!entry.is_object()) return Error{"pin must be an object", ctx};
    if (entry.contains("oci_digest")) {
      OciPin pin;
      const auto& d = entry["oci_digest"];
      const auto v = entry.value("vmlinuz_sha256", nlohmann::json(""));
      if (!d.is_string() || !v.is_string())
        return Error{"oci_digest and vmlinuz_sha256 must be strings (\"\" when unknown)", ctx};
      pin.manifest_digest = d.get<std::string>();
      pin.vmlinuz_sha256 = v.get<std::string>();
      if (!pin.manifest_digest.empty() && !is_sha256_digest_string(pin.manifest_digest))
        return Error{"oci_digest must be \"sha256:\" plus 64 lowercase hex digits, or \"\"", ctx};
      if (!pin.vmlinuz_sha256.empty() && !is_sha256_hex(pin.vmlinuz_sha256))
        return Error{"vmlinuz_sha256 must be 64 lowercase hex digits, or \"\"", ctx};
      lock.oci.emplace(row, std::move(pin));
      continue;
    }
    DebPin pin;
    for (auto [field, key] : {std::pair{&pin.package, "package"},
                              {&pin.version, "version"},
                              {&pin.filename, "filename"},
                              {&pin.deb_sha256, "deb_sha256"},
                              {&pin.vmlinuz_sha256, "vmlinuz_sha256"}}) {
      auto v = required_string(entry, key, ctx);
      if (!v) return v.error();
      *field = *v;
    }
    if (!is_sha256_hex(pin.deb_sha256) || !is_sha256_hex(pin.vmlinuz_sha256))
      return Error{"sha256 fields must be 64 lowercase hex digits", ctx};
    lock.pins.emplace(row, std::move(pin));
  }
  return lock;
}

Result<void> save_lock(const fs::path& lock_json, const LockFile& lock) {
  // ordered_json keeps the field order of the committed file, so `vmtest kernels lock`
  // produces reviewable one-line diffs instead of a reshuffle.
  // Rows sorted by name whatever their kind, so a refresh never reorders the file.
  std::map<std::string, nlohmann::ordered_json> rows;
  for (const auto& [row, p] : lock.pins) {
    rows[row] = {{"package", p.package},
                 {"version", p.version},
                 {"filename", p.filename},
                 {"deb_sha256", p.deb_sha256},
                 {"vmlinuz_sha256", p.vmlinuz_sha256}};
  }
  for (const auto& [row, p] : lock.oci)
    rows[row] = {{"oci_digest", p.manifest_digest}, {"vmlinuz_sha256", p.vmlinuz_sha256}};
  nlohmann::ordered_json kernels = nlohmann::ordered_json::object();
  for (auto& [row, j] : rows)
    kernels[row] = std::move(j);
  nlohmann::ordered_json j = {{"format", kFormat}, {"kernels", kernels}};
  return write_file_atomic(lock_json, j.dump(2) + "\n");
}

} // namespace vmtest
