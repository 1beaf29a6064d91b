// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Digests through OpenSSL. SHA-256 identifies kernel images, .deb files and BPF objects;
// SHA-1 only addresses a file in snapshot.debian.org (trust still comes from the SHA-256).
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vmtest {

std::string sha256_hex(std::string_view data);
Result<std::string> sha256_file(const std::filesystem::path& path);
std::string sha1_hex(std::string_view data);
Result<std::string> sha1_file(const std::filesystem::path& path);

}  // namespace vmtest
