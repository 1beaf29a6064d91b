// SPDX-License-Identifier: BSD-2-Clause
#include "core/arch.h"

#include <elf.h>

namespace vmtest {

std::string_view to_string(Arch a) {
  return a == Arch::arm64 ? "arm64" : "x86_64";
}

std::optional<Arch> parse_arch(std::string_view s) {
  if (s == "x86_64") return Arch::x86_64;
  if (s == "arm64") return Arch::arm64;
  return std::nullopt;
}

std::string known_arches() {
  return "x86_64 | arm64";
}

std::string_view debian_arch(Arch a) {
  return a == Arch::arm64 ? "arm64" : "amd64";
}

std::string_view uname_machine(Arch a) {
  return a == Arch::arm64 ? "aarch64" : "x86_64";
}

std::string_view multiarch_tuple(Arch a) {
  return a == Arch::arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}

std::uint16_t elf_machine(Arch a) {
  return a == Arch::arm64 ? EM_AARCH64 : EM_X86_64;
}

std::optional<Arch> arch_of_elf_machine(std::uint16_t e_machine) {
  if (e_machine == EM_X86_64) return Arch::x86_64;
  if (e_machine == EM_AARCH64) return Arch::arm64;
  return std::nullopt;
}

Arch host_arch() {
#if defined(__aarch64__)
  return Arch::arm64;
#elif defined(__x86_64__)
  return Arch::x86_64;
#else
#error "vmtest runs on x86_64 or arm64 hosts"
#endif
}

} // namespace vmtest
