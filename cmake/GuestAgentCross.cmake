# SPDX-License-Identifier: BSD-2-Clause
# vmtest-guest for arm64 guests: this project built again, agent only (VMTEST_AGENT_ONLY),
# with Debian's aarch64 cross compiler and the arm64 multiarch libraries, as an ordinary
# target of the host build. The result lands where the CLI looks for it (cli/paths.h):
# build/harness/aarch64/vmtest-guest, and <prefix>/libexec/vmtest/aarch64/vmtest-guest once
# installed.
#
# AUTO (the default) builds it when the cross compiler and libbpf-dev:arm64 are installed
# (scripts/install-deps.sh installs both) and says why not otherwise; ON makes them required.
include(ExternalProject)

set(VMTEST_GUEST_AARCH64 AUTO CACHE STRING "Cross-build vmtest-guest for arm64 guests (AUTO, ON, OFF)")
set_property(CACHE VMTEST_GUEST_AARCH64 PROPERTY STRINGS AUTO ON OFF)

set(_cross_missing "")
find_program(VMTEST_AARCH64_CXX aarch64-linux-gnu-g++)
if(NOT VMTEST_AARCH64_CXX)
  list(APPEND _cross_missing "aarch64-linux-gnu-g++ (g++-aarch64-linux-gnu)")
endif()
foreach(lib libbpf.a libelf.a libz.a)
  if(NOT EXISTS /usr/lib/aarch64-linux-gnu/${lib})
    list(APPEND _cross_missing "/usr/lib/aarch64-linux-gnu/${lib}")
  endif()
endforeach()

if(VMTEST_GUEST_AARCH64 STREQUAL "OFF")
  set(VMTEST_HAVE_GUEST_AARCH64 OFF)
elseif(_cross_missing)
  string(REPLACE ";" ", " _cross_missing "${_cross_missing}")
  if(VMTEST_GUEST_AARCH64 STREQUAL "ON")
    message(FATAL_ERROR "vmtest-guest for aarch64 needs: ${_cross_missing} (scripts/install-deps.sh)")
  endif()
  message(STATUS "vmtest-guest for aarch64: not built, missing ${_cross_missing}; arm64 rows "
                 "will report no agent (scripts/install-deps.sh installs what it needs)")
  set(VMTEST_HAVE_GUEST_AARCH64 OFF)
else()
  set(VMTEST_HAVE_GUEST_AARCH64 ON)
endif()

if(VMTEST_HAVE_GUEST_AARCH64)
  set(_out ${PROJECT_BINARY_DIR}/harness/aarch64/vmtest-guest)
  ExternalProject_Add(vmtest-guest-aarch64-build
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${PROJECT_BINARY_DIR}/guest-aarch64
    CMAKE_ARGS
      -G ${CMAKE_GENERATOR}
      -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/aarch64-linux-gnu.cmake
      # The CI build type's flags are defined by the project itself, so they match.
      -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
      -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
      -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER}
      -DVMTEST_AGENT_ONLY=ON
      # multiarch requires libbpf-dev:arm64 to be the very version the host build found
      -DLIBBPF_VERSION=${LIBBPF_VERSION}
    BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target vmtest-guest
    INSTALL_COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/harness/aarch64
    COMMAND ${CMAKE_COMMAND} -E copy_if_different <BINARY_DIR>/harness/vmtest-guest ${_out}
    # Source edits must reach it like they reach the host agent; the inner ninja decides.
    BUILD_ALWAYS ON
    BUILD_BYPRODUCTS ${_out})
  # In ALL (scripts/test.sh, the .deb), but not a dependency of `vmtest` itself: the quick
  # start (`ninja vmtest corpus`) should not pay for a cross build an x86-only user never
  # boots; an arm64 row without it says which target to build.
  add_custom_target(vmtest-guest-aarch64 ALL DEPENDS vmtest-guest-aarch64-build)
  # OPTIONAL: the quick start builds only `vmtest corpus` (no cross build) and then installs;
  # a full build installs the aarch64 agent too.
  install(PROGRAMS ${_out} DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/vmtest/aarch64 OPTIONAL)
endif()
