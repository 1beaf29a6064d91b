#include "image/bzimage.h"

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

} // namespace vmtest
