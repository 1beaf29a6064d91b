// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The changes that let a program load outside the application that ships it. They follow
// veristat's, so that a verdict here is the verdict veristat gives for the same object:
//   - map pinning is switched off;
//   - a map the application sizes at run time (max_entries 0) gets one entry; libbpf rounds a
//     ring buffer up to one page. Local-storage maps are the exception: the kernel requires 0;
//   - a map whose value size is set at run time (libbpf-tools' stack-trace maps) is left as
//     it is, so creating it fails and the whole object is rejected, as with veristat;
//   - struct_ops maps reference only the program being loaded (libbpf loads every program a
//     struct_ops map references, whatever their autoload says);
//   - freplace programs load as the program type their context argument names;
//   - unlike veristat, hash-family and stack-trace maps hold at most 64 entries (unless the
//     object has a map-in-map): the verifier does not read their size, and creating big
//     preallocated maps dominated load time under TCG.
#include <linux/bpf.h>
#include <optional>

struct bpf_object;
struct bpf_program;

namespace vmtest {

struct GuessedType {
  bpf_prog_type prog_type;
  bpf_attach_type attach_type;
};

// For an freplace (BPF_PROG_TYPE_EXT) program whose single argument points to a known context
// type (struct xdp_md, struct __sk_buff, ...): the type it most likely replaces. nullopt for
// other programs and for contexts that name no program type.
std::optional<GuessedType> guess_freplace_type(const bpf_object* obj, const bpf_program* prog);

// Applies every fixup above. `only` is the program an isolated load is about: struct_ops maps
// are masked down to it. nullptr when every program of the object is loaded at once.
void apply_fixups(bpf_object* obj, const bpf_program* only);

} // namespace vmtest
