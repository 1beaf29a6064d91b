// SPDX-License-Identifier: BSD-2-Clause
// The CI build type is what CI and the bench measure: it must compile as CMakeLists.txt says
// (-O1 -DNDEBUG). Its flags were once lost to an empty cache entry that project() created, and
// every CI build ran at -O0 with asserts on, several times slower on the host side, unnoticed.
#include <gtest/gtest.h>

#include <string_view>

#ifndef VMTEST_BUILD_TYPE
#define VMTEST_BUILD_TYPE ""
#endif

TEST(BuildType, TheCiBuildTypeIsOptimisedWithoutAsserts) {
  if (std::string_view(VMTEST_BUILD_TYPE) != "CI") GTEST_SKIP() << "build type " VMTEST_BUILD_TYPE;
#ifndef __OPTIMIZE__
  ADD_FAILURE() << "the CI build type compiles without optimisation (CMAKE_CXX_FLAGS_CI lost?)";
#endif
#ifndef NDEBUG
  ADD_FAILURE() << "the CI build type compiles with asserts on (CMAKE_CXX_FLAGS_CI lost?)";
#endif
}
