// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Shared by the fuzz targets: the input as text, an invariant that aborts (so libFuzzer
// records the input as a crash), and the committed files some targets parse against.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace vmtest::fuzz {

inline std::string_view text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A property every input must keep, e.g. "what vmtest writes, vmtest reads back".
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

// A file of the checkout (VMTEST_SOURCE_DIR), read once; aborts when it is missing so a
// target never silently fuzzes against an empty stand-in.
inline std::string source_file(const char* relative) {
  std::ifstream in(std::string(VMTEST_SOURCE_DIR) + "/" + relative, std::ios::binary);
  require(static_cast<bool>(in), relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace vmtest::fuzz
