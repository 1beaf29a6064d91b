# SPDX-License-Identifier: BSD-2-Clause
# bpf_object(NAME SOURCE [OUTPUT_DIR dir] [INCLUDES dir...])
#
# Compiles one BPF C file with `clang -target bpf`, the libbpf-bootstrap way: -O2 -g so the
# object carries BTF and CO-RE relocations, and the arch define that bpf_tracing.h needs.
# Creates a custom target bpfobj_<NAME> and appends it to the global property
# VMTEST_BPF_OBJECTS so a parent can depend on every object at once.
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
execute_process(COMMAND ${BPF_CLANG} --version OUTPUT_VARIABLE _bpf_clang_version
                OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "^[^\n]*" BPF_CLANG_VERSION "${_bpf_clang_version}")
set(BPF_CLANG_VERSION "${BPF_CLANG_VERSION}" CACHE INTERNAL "clang used for BPF objects")

function(bpf_object NAME SOURCE)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "INCLUDES" ${ARGN})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set(out ${ARG_OUTPUT_DIR}/${NAME}.bpf.o)
  set(incs)
  foreach(dir IN LISTS ARG_INCLUDES)
    list(APPEND incs -I${dir})
  endforeach()
  # asm/types.h lives under the multiarch include dir; clang -target bpf does not search it.
  list(APPEND incs -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ARG_OUTPUT_DIR}
    # The prefix maps keep checkout and build paths out of the DWARF, so the same source gives
    # the same object sha256 on every machine and baselines do not flag "object changed". The
    # paths left are relative to the source tree, and clang reads each source line back into
    # BTF line info (what a verifier log prints after "; ") by that relative path: so it runs
    # in the source tree, or every log line would show an empty "; ".
    COMMAND ${BPF_CLANG} -target bpf -O2 -g -D__TARGET_ARCH_x86 -Wall -Wno-unused-function
            -Wno-compare-distinct-pointer-types
            -ffile-prefix-map=${PROJECT_SOURCE_DIR}/=
            -ffile-prefix-map=${PROJECT_BINARY_DIR}/=build/
            -fdebug-compilation-dir=.
            ${incs} -MD -MF ${out}.d -c ${SOURCE} -o ${out}
    DEPENDS ${SOURCE}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    # A depfile, not IMPLICIT_DEPENDS: the latter only works with Makefile generators, so with
    # Ninja an edit to a shared header (vmlinux.h, corpus.h) silently left stale objects.
    DEPFILE ${out}.d
    COMMENT "BPF ${NAME}.bpf.o"
    VERBATIM)
  add_custom_target(bpfobj_${NAME} ALL DEPENDS ${out})
  set_property(GLOBAL APPEND PROPERTY VMTEST_BPF_OBJECTS ${out})
endfunction()
