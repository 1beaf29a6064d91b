// SPDX-License-Identifier: BSD-2-Clause
#include "image/shared_libs.h"

#include "core/fs.h"

#include <cstring>
#include <deque>
#include <elf.h>
#include <set>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

template <typename T> bool read_at(const std::string& data, uint64_t off, T& out) {
  if (off > data.size() || data.size() - off < sizeof(T)) return false;
  std::memcpy(&out, data.data() + off, sizeof(T));
  return true;
}

std::string c_string_at(const std::string& data, uint64_t off) {
  if (off >= data.size()) return {};
  auto end = data.find('\0', off);
  return data.substr(off, end == std::string::npos ? std::string::npos : end - off);
}

// File offset of a virtual address, through the PT_LOAD segment that maps it.
bool vaddr_to_offset(const std::vector<Elf64_Phdr>& phdrs, uint64_t vaddr, uint64_t& off) {
  for (const auto& p : phdrs)
    if (p.p_type == PT_LOAD && vaddr >= p.p_vaddr && vaddr < p.p_vaddr + p.p_filesz) {
      off = vaddr - p.p_vaddr + p.p_offset;
      return true;
    }
  return false;
}

} // namespace

Result<ElfDeps> read_elf_deps(const fs::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  const std::string& data = *text;
  Elf64_Ehdr eh;
  if (!read_at(data, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    return Error{"not an ELF file", file.string()};
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    return Error{"not a 64-bit little-endian ELF file", file.string()};

  std::vector<Elf64_Phdr> phdrs;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (!read_at(data, eh.e_phoff + uint64_t{i} * eh.e_phentsize, ph))
      return Error{"truncated program header table", file.string()};
    phdrs.push_back(ph);
  }

  ElfDeps deps;
  deps.machine = eh.e_machine;
  const Elf64_Phdr* dynamic = nullptr;
  for (const auto& ph : phdrs) {
    if (ph.p_type == PT_INTERP) deps.interpreter = c_string_at(data, ph.p_offset);
    if (ph.p_type == PT_DYNAMIC) dynamic = &ph;
  }
  if (!dynamic) return deps; // static

  // DT_NEEDED entries are offsets into the string table that DT_STRTAB points at.
  std::vector<uint64_t> needed_offsets;
  uint64_t strtab_vaddr = 0;
  int64_t rpath_offset = -1, runpath_offset = -1;
  for (uint64_t off = dynamic->p_offset;
       off + sizeof(Elf64_Dyn) <= dynamic->p_offset + dynamic->p_filesz; off += sizeof(Elf64_Dyn)) {
    Elf64_Dyn d;
    if (!read_at(data, off, d)) return Error{"truncated dynamic section", file.string()};
    if (d.d_tag == DT_NULL) break;
    if (d.d_tag == DT_NEEDED) needed_offsets.push_back(d.d_un.d_val);
    if (d.d_tag == DT_STRTAB) strtab_vaddr = d.d_un.d_ptr;
    if (d.d_tag == DT_RPATH) rpath_offset = static_cast<int64_t>(d.d_un.d_val);
    if (d.d_tag == DT_RUNPATH) runpath_offset = static_cast<int64_t>(d.d_un.d_val);
  }
  if (needed_offsets.empty() && rpath_offset < 0 && runpath_offset < 0) return deps;
  uint64_t strtab = 0;
  if (!vaddr_to_offset(phdrs, strtab_vaddr, strtab))
    return Error{"dynamic string table is not mapped by any segment", file.string()};
  for (uint64_t o : needed_offsets)
    deps.needed.push_back(c_string_at(data, strtab + o));
  // The loader ignores DT_RPATH when DT_RUNPATH is present; so do we.
  const int64_t path_offset = runpath_offset >= 0 ? runpath_offset : rpath_offset;
  if (path_offset >= 0) {
    const std::string list = c_string_at(data, strtab + static_cast<uint64_t>(path_offset));
    for (size_t start = 0; start <= list.size();) {
      size_t colon = list.find(':', start);
      if (colon == std::string::npos) colon = list.size();
      if (colon > start) deps.rpath.push_back(list.substr(start, colon - start));
      start = colon + 1;
    }
  }
  return deps;
}

std::vector<fs::path> origin_library_dirs(const fs::path& exe) {
  std::vector<fs::path> dirs;
  auto deps = read_elf_deps(exe);
  if (!deps) return dirs;
  const fs::path origin = fs::absolute(exe).parent_path();
  for (const auto& entry : deps->rpath)
    for (const std::string tag : {"$ORIGIN", "${ORIGIN}"})
      if (entry.rfind(tag, 0) == 0) {
        dirs.push_back((origin / ("." + entry.substr(tag.size()))).lexically_normal());
        break;
      }
  return dirs;
}

std::vector<fs::path> default_library_dirs() {
  return {"/lib/x86_64-linux-gnu",
          "/usr/lib/x86_64-linux-gnu",
          "/lib64",
          "/usr/lib64",
          "/lib",
          "/usr/lib"};
}

std::vector<fs::path> library_dirs(Arch arch) {
  if (arch == Arch::x86_64) return default_library_dirs();
  const std::string tuple(multiarch_tuple(arch));
  return {"/lib/" + tuple, "/usr/lib/" + tuple};
}

Result<std::vector<fs::path>> runtime_libraries(const fs::path& exe,
                                                const std::vector<fs::path>& dirs_given) {
  std::vector<fs::path> search_dirs = dirs_given;
  std::uint16_t machine = 0;
  if (auto top = read_elf_deps(exe)) {
    machine = top->machine;
    if (search_dirs.empty()) {
      auto arch = arch_of_elf_machine(machine);
      search_dirs = arch ? library_dirs(*arch) : default_library_dirs();
    }
  }
  std::set<fs::path> found;
  std::set<std::string> seen_sonames;
  std::vector<fs::path> dirs = origin_library_dirs(exe);
  dirs.insert(dirs.end(), search_dirs.begin(), search_dirs.end());
  std::deque<fs::path> todo{exe};
  bool first = true;
  while (!todo.empty()) {
    fs::path file = todo.front();
    todo.pop_front();
    auto deps = read_elf_deps(file);
    if (!deps) return deps.error();
    if (deps->machine != machine)
      return Error{"is built for ELF machine " + std::to_string(deps->machine) + ", but " +
                       exe.string() + " for " + std::to_string(machine),
                   file.string()};
    // Only the executable's interpreter matters; libraries name the same one (or none).
    if (first && !deps->interpreter.empty()) found.insert(deps->interpreter);
    first = false;
    for (const auto& soname : deps->needed) {
      if (!seen_sonames.insert(soname).second) continue;
      std::error_code ec;
      fs::path hit;
      for (const auto& dir : dirs)
        if (fs::exists(dir / soname, ec)) {
          hit = dir / soname;
          break;
        }
      if (hit.empty())
        return Error{"needs " + soname + ", which is in none of the library directories",
                     file.string()};
      found.insert(hit);
      todo.push_back(hit);
    }
  }
  return std::vector<fs::path>(found.begin(), found.end());
}

} // namespace vmtest
