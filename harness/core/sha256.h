// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// SHA-256 through OpenSSL: kernel images, .deb files and BPF objects are identified by it.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vmtest {

std::string sha256_hex(std::string_view data);
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace vmtest
