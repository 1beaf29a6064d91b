#include "kernel/kernel_image.h"

namespace vmtest {

namespace {
KernelImage tagged(KernelImage img, const KernelSource& src) {
  img.source_kind = src.kind();
  img.source_description = src.describe();
  return img;
}
} // namespace

RowFetch fetch_row(const KernelRow& row, const FetchContext& ctx) {
  RowFetch out;
  std::string reasons;
  for (const auto& s : row.sources) {
    const KernelSource& src = *s;
    if (auto hit = src.cached(ctx)) {
      out.status = FetchStatus::fetched;
      out.image = tagged(*hit, src);
      return out;
    }
    if (auto why = src.unavailable_reason(ctx); !why.empty()) {
      // Said only if no later source works: then it is the row's one line.
      reasons += (reasons.empty() ? "" : "; ") + src.kind() + ": " + why;
      continue;
    }
    auto img = src.fetch(ctx);
    if (!img) {
      out.status = FetchStatus::failed;
      out.error = img.error();
      return out;
    }
    out.status = FetchStatus::fetched;
    out.image = tagged(*img, src);
    return out;
  }
  out.status = FetchStatus::unavailable;
  out.reason = "not available here: " + reasons;
  return out;
}

std::optional<KernelImage> cached_image_for(const KernelRow& row, const FetchContext& ctx) {
  for (const auto& src : row.sources)
    if (auto hit = src->cached(ctx)) return tagged(*hit, *src);
  return std::nullopt;
}

} // namespace vmtest
