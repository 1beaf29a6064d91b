#pragma once
// `url:` rows: a direct download (bzImage, or a .tar.gz/.tar.xz holding boot/vmlinuz-* or a
// bzImage) whose sha256 is written in the matrix. The download's hash is checked before the
// archive is opened, then the kernel is cached by content like every other source.
#include "kernel/kernel_image.h"

namespace vmtest {

Result<KernelImage> fetch_url(const KernelRow& row, const UrlSource& src, const FetchContext& ctx);

} // namespace vmtest
