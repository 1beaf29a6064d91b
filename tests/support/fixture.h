#pragma once
// Reads a fixture from tests/data/; a missing fixture fails the test loudly.
#include <gtest/gtest.h>

#include <string>

#include "core/fs.h"

namespace vmtest::testing {

inline std::string fixture(const std::string& rel) {
  auto text = read_file(std::string(VMTEST_TEST_DATA) + "/" + rel);
  if (!text.ok()) {
    ADD_FAILURE() << "missing fixture " << rel << ": " << text.error().str();
    return {};
  }
  return *text;
}

}  // namespace vmtest::testing
