// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The "kernel image" stage: turns a matrix row into a verified vmlinuz on local disk by trying
// the row's sources in order. For each source: an image it already has (cache, no network)
// wins at once; a source that is not available here (unset variable, missing directory,
// unreachable host) is skipped with its reason; the first available one is fetched, and a
// failure there (checksum mismatch, 404) is the row's error - it never falls through to a
// different kernel. When no source is available, the row is "unavailable" with every reason.
#include "core/result.h"
#include "kernel/kernel_source.h"
#include "kernel/matrix.h"

#include <optional>
#include <string>

namespace vmtest {

enum class FetchStatus {
  fetched,     // `image` is set
  unavailable, // no source can be had on this machine; `reason` says why, one line
  failed,      // a source was tried and failed; `error` says how
};

struct RowFetch {
  FetchStatus status = FetchStatus::failed;
  std::optional<KernelImage> image;
  std::string reason; // unavailable: "local: <why>; oci: <why>"
  Error error;        // failed
};

RowFetch fetch_row(const KernelRow& row, const FetchContext& ctx);

// The image a row would use right now without the network (first source with a cached
// image), for `vmtest kernels list`.
std::optional<KernelImage> cached_image_for(const KernelRow& row, const FetchContext& ctx);

} // namespace vmtest
