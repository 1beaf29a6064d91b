#pragma once
// `debian:` sources: a linux-image package from the machine's Debian mirror, fetched through a
// private apt (apt_source.h) at the exact version and hashes pinned in the lock:
//   debian: {package: linux-image-6.1.0-56-cloud-amd64, suites: [bookworm, bookworm-security]}
//   lock:   "debian": {package, version, filename, deb_sha256, vmlinuz_sha256}
// The .deb is checked against the lock (and against the mirror's signed index) before it is
// opened, and the vmlinuz inside against the lock before it is cached.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vmtest {

struct DebPin {
  std::string package;        // linux-image-6.1.0-56-cloud-amd64
  std::string version;        // 6.1.192-2
  std::string filename;       // pool/... path, as apt's index names it (for humans and audits)
  std::string deb_sha256;     // checked before the archive is opened
  std::string vmlinuz_sha256; // names the cache entry; checked after extraction
};

class DebianSource : public KernelSource {
public:
  // `arch` picks the Debian architecture the package is fetched for (the row's `arch:`).
  DebianSource(std::string row, std::string package, std::vector<std::string> suites,
               std::optional<DebPin> pin, Arch arch = Arch::x86_64);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "debian"; }
  std::string describe() const override;
  std::string pin_summary() const override;
  std::optional<KernelImage> cached(const FetchContext& ctx) const override;
  std::string unavailable_reason(const FetchContext&) const override { return ""; }
  Result<KernelImage> fetch(const FetchContext& ctx) const override;
  bool pinned_by_lock() const override { return true; }
  nlohmann::ordered_json lock_pin() const override;
  // Refreshes the apt indices, picks the newest version of the package, downloads it, checks
  // it against the (signed) index hash and measures the vmlinuz. The kernel lands in the
  // cache as a side effect, so the next fetch is a hit.
  Result<nlohmann::ordered_json> refresh_pin(const FetchContext& ctx) const override;

  const std::string& package() const { return package_; }
  const std::vector<std::string>& suites() const { return suites_; }
  const std::optional<DebPin>& pin() const { return pin_; }
  Arch arch() const { return arch_; }
  Result<DebPin> refresh(const FetchContext& ctx) const;

  static nlohmann::ordered_json pin_json(const DebPin& p);

private:
  std::string package_;
  std::vector<std::string> suites_;
  std::optional<DebPin> pin_;
  Arch arch_;
};

} // namespace vmtest
