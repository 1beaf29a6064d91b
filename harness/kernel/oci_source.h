// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `oci:` sources: a kernel image in an OCI registry laid out like little-vm-helper's
// kernel-images catalogue - a busybox base plus a layer holding
// data/kernels/<name>/boot/vmlinuz-<release> (the output of `make tar-pkg`):
//   oci:  {registry: quay.io, repository: lvh-images/kernel-images, tag: 6.6-main}
//   lock: "oci": {oci_digest, vmlinuz_sha256, provenance}
// `registry` names a public registry real users reach; $VMTEST_OCI_REGISTRY, when set,
// replaces it (a private mirror, or a loopback registry in tests). The pull goes tag (or
// pinned digest) -> index -> linux/amd64 manifest -> config (platform check) -> layers,
// verifying every document and blob against its sha256 digest, and the kernel is cached by
// content with the manifest digest recorded so a pinned row hits the cache offline.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <string>

namespace vmtest {

// The manifest (or index) digest a tag resolved to, and the vmlinuz found in it. Either may
// be empty - explicitly so in the committed file - when nobody could reach the registry to
// measure it. The first pull then trusts the tag once, says so, and records both in the lock
// (FetchContext::record_pin); from then on the row boots that digest and that vmlinuz only.
struct OciPin {
  std::string manifest_digest; // "sha256:<hex>" or ""
  std::string vmlinuz_sha256;  // "<hex>" or ""
  std::string provenance;      // where the digest (or tag) came from, for reviewers
};

struct OciRef {
  std::string registry;   // public default host, e.g. quay.io; may be empty
  std::string repository; // lvh-images/kernel-images
  std::string tag;        // 6.6-main
  std::string arch = "amd64"; // the platform picked from a multi-arch index (the row's arch)
};

class OciSource : public KernelSource {
public:
  OciSource(std::string row, OciRef ref, OciPin pin);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "oci"; }
  std::string describe() const override;
  std::string pin_summary() const override;
  std::optional<KernelImage> cached(const FetchContext& ctx) const override;
  // No registry configured, or the registry does not answer a connect in time.
  std::string unavailable_reason(const FetchContext& ctx) const override;
  Result<KernelImage> fetch(const FetchContext& ctx) const override;
  bool pinned_by_lock() const override { return true; }
  nlohmann::ordered_json lock_pin() const override;
  // Resolves the TAG, pulls the kernel into the cache and returns the digest and vmlinuz hash
  // to pin. Without `roll_forward` a complete pin is kept (re-checked against the registry).
  Result<nlohmann::ordered_json> refresh_pin(const FetchContext& ctx,
                                             bool roll_forward = false) const override;

  const OciRef& ref() const { return ref_; }
  const OciPin& pin() const { return pin_; }

private:
  OciRef ref_;
  OciPin pin_;
};

} // namespace vmtest
