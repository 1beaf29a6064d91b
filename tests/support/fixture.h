// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Reads a fixture from tests/data/; a missing fixture fails the test loudly.
#include "test_paths.h"
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/fs.h"

namespace vmtest::testing {

inline std::string fixture(const std::string& rel) {
  // A path join, not std::string(...) + "/" + rel: GCC 12 misjudges that rvalue append after
  // inlining and warns -Wstringop-overflow in every test that includes this.
  auto text = read_file(std::filesystem::path(VMTEST_TEST_DATA) / rel);
  if (!text.ok()) {
    ADD_FAILURE() << "missing fixture " << rel << ": " << text.error().str();
    return {};
  }
  return *text;
}

}  // namespace vmtest::testing
