// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `debian:` sources: a linux-image package at the exact version and hashes pinned in the lock:
//   debian: {package: linux-image-6.1.0-56-cloud-amd64, suites: [bookworm, bookworm-security]}
//   lock:   "debian": {package, version, filename, deb_sha256, deb_sha1, vmlinuz_sha256}
// It is fetched through a private apt (apt_source.h) from the host's Debian mirror, or from
// $VMTEST_DEBIAN_MIRROR. When that mirror no longer lists the pinned version (Debian drops
// superseded kernels), or the host has no Debian mirror at all, the same package comes from
// Debian's snapshot archive by its deb_sha1 (snapshot_archive.h). Either way the .deb is
// checked against the lock's deb_sha256 before it is opened, and the vmlinuz inside against
// the lock before it is cached.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vmtest {

// A Debian mirror to use instead of the host's apt sources (e.g. on Ubuntu or Fedora, or a
// private mirror), and its debian-security counterpart for "*-security" suites.
inline constexpr const char* kDebianMirrorEnv = "VMTEST_DEBIAN_MIRROR";
inline constexpr const char* kDebianSecurityMirrorEnv = "VMTEST_DEBIAN_SECURITY_MIRROR";
// The keyring a mirror's index must be signed with; Debian's archive key by default. A private
// mirror that re-signs its indices (aptly, reprepro) names its own.
inline constexpr const char* kDebianKeyringEnv = "VMTEST_DEBIAN_KEYRING";
// Where the host's apt configuration lives (default /etc/apt): its sources.list.d/ and
// sources.list name the mirror. For a root whose apt sits elsewhere, and for tests.
inline constexpr const char* kAptEtcEnv = "VMTEST_APT_ETC";

struct DebPin {
  std::string package;        // linux-image-6.1.0-56-cloud-amd64
  std::string version;        // 6.1.192-2
  std::string filename;       // pool/... path, as apt's index names it (for humans and audits)
  std::string deb_sha256;     // checked before the archive is opened
  std::string deb_sha1;       // the snapshot archive's address for it; "" in older locks
  std::string vmlinuz_sha256; // names the cache entry; checked after extraction
};

class DebianSource : public KernelSource {
public:
  // `follow_newest`: a canary row's source. `package` may then be a glob
  // (linux-image-6.12.*+deb13-cloud-amd64); every fetch boots the newest version the mirror
  // lists, and the pin only records what booted last. `arch` picks the Debian architecture the
  // package is fetched for (the row's `arch:`).
  DebianSource(std::string row, std::string package, std::vector<std::string> suites,
               std::optional<DebPin> pin, bool follow_newest = false, Arch arch = Arch::x86_64);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "debian"; }
  std::string describe() const override;
  std::string pin_summary() const override;
  std::optional<KernelImage> cached(const FetchContext& ctx) const override;
  std::string unavailable_reason(const FetchContext&) const override { return ""; }
  Result<KernelImage> fetch(const FetchContext& ctx) const override;
  bool pinned_by_lock() const override { return true; }
  nlohmann::ordered_json lock_pin() const override;
  // Refreshes the apt indices and measures the pinned (or, rolling forward, the newest)
  // version: downloads it, checks it against the (signed) index hash and measures the .deb's
  // SHA-1 and the vmlinuz. The kernel lands in the cache, so the next fetch is a hit.
  Result<nlohmann::ordered_json> refresh_pin(const FetchContext& ctx,
                                             bool roll_forward = false) const override;

  const std::string& package() const { return package_; }
  const std::vector<std::string>& suites() const { return suites_; }
  const std::optional<DebPin>& pin() const { return pin_; }
  bool follows_newest() const { return follow_newest_; }
  Arch arch() const { return arch_; }
  // Without `roll_forward` an existing pin is kept and completed (its deb_sha1 measured); with
  // it, or for a canary, the newest version of the package (or of any package matching the
  // glob) becomes the pin.
  Result<DebPin> refresh(const FetchContext& ctx, bool roll_forward = false) const;

  static nlohmann::ordered_json pin_json(const DebPin& p);

private:
  std::string package_;
  std::vector<std::string> suites_;
  std::optional<DebPin> pin_;
  bool follow_newest_ = false;
  Arch arch_ = Arch::x86_64;

  Result<KernelImage> fetch_newest(const FetchContext& ctx) const;
};

} // namespace vmtest
