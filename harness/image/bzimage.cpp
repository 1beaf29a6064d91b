// SPDX-License-Identifier: BSD-2-Clause
#include "image/bzimage.h"

#include <cstring>
#include <fstream>

namespace vmtest {

Result<std::string> bzimage_release(const std::filesystem::path& vmlinuz) {
  std::ifstream in(vmlinuz, std::ios::binary);
  if (!in) return errno_error("cannot open kernel image", vmlinuz.string());
  // The real-mode setup code is at most 64 sectors; the version string lives inside it.
  std::string head(64 * 512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  // Boot protocol: "HdrS" at 0x202; at 0x20E a 16-bit pointer to the version string,
  // relative to 0x200 (Documentation/arch/x86/boot.rst, "kernel_version").
  if (head.size() < 0x210 || head.compare(0x202, 4, "HdrS") != 0)
    return Error{"not an x86 bzImage (no HdrS setup header)", vmlinuz.string()};
  unsigned ptr = static_cast<unsigned char>(head[0x20E]) |
                 (static_cast<unsigned>(static_cast<unsigned char>(head[0x20F])) << 8);
  size_t at = size_t{ptr} + 0x200;
  if (ptr == 0 || at >= head.size())
    return Error{"bzImage has no kernel_version string", vmlinuz.string()};
  // "6.1.0-56-cloud-amd64 (debian-kernel@...) #1 SMP ...": the release is the first word.
  size_t end = head.find_first_of(" \0", at, 2);
  std::string release = head.substr(at, end == std::string::npos ? std::string::npos : end - at);
  if (release.empty()) return Error{"bzImage has an empty kernel_version string", vmlinuz.string()};
  return release;
}

namespace {

constexpr size_t kArm64MagicAt = 0x38;
constexpr char kArm64Magic[] = {'A', 'R', 'M', 0x64};

} // namespace

Result<Arch> kernel_image_arch(const std::filesystem::path& vmlinuz) {
  std::ifstream in(vmlinuz, std::ios::binary);
  if (!in) return errno_error("cannot open kernel image", vmlinuz.string());
  std::string head(0x210, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.size() >= 0x206 && head.compare(0x202, 4, "HdrS") == 0) return Arch::x86_64;
  if (head.size() >= kArm64MagicAt + 4 &&
      std::memcmp(head.data() + kArm64MagicAt, kArm64Magic, 4) == 0)
    return Arch::arm64;
  return Error{"neither an x86 bzImage nor an arm64 Image (a compressed Image or a vmlinux ELF "
               "must be unpacked first)",
               vmlinuz.string()};
}

Result<std::string> arm64_image_release(const std::filesystem::path& image) {
  auto arch = kernel_image_arch(image);
  if (!arch) return arch.error();
  if (*arch != Arch::arm64) return Error{"not an arm64 Image", image.string()};
  std::ifstream in(image, std::ios::binary);
  if (!in) return errno_error("cannot open kernel image", image.string());
  // Read in blocks that overlap by the banner's length, so a banner across a block boundary
  // is still found. The banner is the only "Linux version " followed by a release and " (".
  static constexpr std::string_view kBanner = "Linux version ";
  constexpr size_t kBlock = 1 << 20, kKeep = 256;
  std::string buf;
  std::string block(kBlock, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    buf.append(block.data(), static_cast<size_t>(in.gcount()));
    for (size_t at = buf.find(kBanner); at != std::string::npos; at = buf.find(kBanner, at + 1)) {
      const size_t start = at + kBanner.size();
      const size_t end = buf.find(' ', start);
      if (end == std::string::npos) break; // cut by the block end: read on
      std::string release = buf.substr(start, end - start);
      const bool printable =
          !release.empty() && release.size() < 128 &&
          release.find_first_of(std::string_view("\0\n%", 3)) == std::string::npos;
      if (printable && buf.compare(end, 2, " (") == 0) return release;
    }
    if (buf.size() > kKeep) buf.erase(0, buf.size() - kKeep);
  }
  return Error{"arm64 Image has no \"Linux version\" banner", image.string()};
}

Result<std::string> kernel_image_release(const std::filesystem::path& vmlinuz) {
  auto arch = kernel_image_arch(vmlinuz);
  if (!arch) return arch.error();
  return *arch == Arch::arm64 ? arm64_image_release(vmlinuz) : bzimage_release(vmlinuz);
}

} // namespace vmtest
