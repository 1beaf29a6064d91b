// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The CPU architecture of a kernel row, and every name the stages need for it. One home for
// the spellings so nothing else compares strings like "aarch64": the matrix says `arch:
// x86_64 | arm64`, Debian says amd64/arm64, `uname -m` and qemu say x86_64/aarch64, and ELF
// headers carry a number.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

enum class Arch { x86_64, arm64 };

// The matrix spelling: "x86_64", "arm64".
std::string_view to_string(Arch a);
// Accepts the matrix spelling only; nullopt for anything else.
std::optional<Arch> parse_arch(std::string_view s);
// "x86_64 | arm64", for messages.
std::string known_arches();

// Debian's architecture name: "amd64", "arm64".
std::string_view debian_arch(Arch a);
// What `uname -m` prints in a guest of this architecture: "x86_64", "aarch64".
std::string_view uname_machine(Arch a);
// The multiarch tuple Debian installs foreign libraries under: "x86_64-linux-gnu",
// "aarch64-linux-gnu".
std::string_view multiarch_tuple(Arch a);
// The ELF e_machine of an executable built for this architecture.
std::uint16_t elf_machine(Arch a);
std::optional<Arch> arch_of_elf_machine(std::uint16_t e_machine);

// The architecture this vmtest binary runs on (the host). KVM can only run a guest of the
// same architecture.
Arch host_arch();

} // namespace vmtest
