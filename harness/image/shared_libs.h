// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The shared libraries a dynamically linked host program needs, so it can be copied into the
// initramfs (which has no libc of its own) together with them. Read from the ELF itself
// (PT_INTERP and DT_NEEDED, transitively) rather than by running ldd, so building a guest
// image never executes anything. Only 64-bit little-endian ELF is handled: x86-64 and arm64
// guests, whose libraries (foreign ones under Debian's multiarch directories) must be found in
// the directories of the executable's own architecture.
#include "core/arch.h"
#include "core/result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace vmtest {

struct ElfDeps {
  std::string interpreter;         // PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2; "" if static
  std::vector<std::string> needed; // DT_NEEDED sonames, in order
  std::vector<std::string> rpath;  // DT_RPATH, else DT_RUNPATH, split at ':' ($ORIGIN kept)
  std::uint16_t machine = 0;       // e_machine: EM_X86_64, EM_AARCH64, ...
};

// Parses one ELF file.
Result<ElfDeps> read_elf_deps(const std::filesystem::path& file);

// Where the guest's dynamic loader looks without an ld.so.cache: the multiarch directories
// first, as Debian's glibc does.
std::vector<std::filesystem::path> default_library_dirs();
// The same for a guest of `arch`: on an x86 host, arm64 libraries live only under
// /usr/lib/aarch64-linux-gnu (dpkg --add-architecture arm64), never in /lib or /usr/lib.
std::vector<std::filesystem::path> library_dirs(Arch arch);

// The executable's rpath entries that start with $ORIGIN, resolved against its folder: where a
// relocatable bundle (the release tarball's bpftool) keeps its own libraries. Other entries are
// ignored: an absolute rpath names a host folder the guest does not mirror.
std::vector<std::filesystem::path> origin_library_dirs(const std::filesystem::path& exe);

// Absolute paths of the interpreter and every library `exe` needs, transitively, each at the
// path under which the loader will find it (the first search directory that has the soname;
// origin_library_dirs(exe) come before `search_dirs`, for every library, as DT_RPATH does).
// Sorted and unique. A soname found nowhere is an error naming it, and so is a library of
// another architecture than `exe`. Empty `search_dirs`: library_dirs() of exe's architecture.
Result<std::vector<std::filesystem::path>>
runtime_libraries(const std::filesystem::path& exe,
                  const std::vector<std::filesystem::path>& search_dirs = {});

} // namespace vmtest
