#pragma once
// `oci:` rows: a kernel image in an OCI registry laid out like little-vm-helper's
// kernel-images catalogue - a busybox base plus a layer holding
// data/kernels/<name>/boot/vmlinuz-<release> (the output of `make tar-pkg`). The pull goes
// tag (or pinned digest) -> index -> linux/amd64 manifest -> config (platform check) ->
// layers, verifying every document and blob against its sha256 digest, and the kernel is
// cached by content with the manifest digest recorded so a pinned row hits offline.
#include "kernel/kernel_image.h"

namespace vmtest {

Result<KernelImage> fetch_oci(const KernelRow& row, const OciSource& src, const FetchContext& ctx);

// For `vmtest kernels lock`: resolves the row's TAG (ignoring any existing pin), pulls the
// kernel into the cache and returns the digest and vmlinuz hash to pin.
Result<OciPin> refresh_oci_pin(const KernelRow& row, const FetchContext& ctx);

} // namespace vmtest
