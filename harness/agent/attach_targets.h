// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Whether libbpf is going to refuse a program because the kernel function it attaches to
// (fentry/fexit/fmod_ret) is not in the kernel's BTF: common in tool collections, where one
// object carries variants for functions of several kernel versions or of modules.
//
// The loader uses this only to decide how to load, never what the verdict is: a program that
// will most likely fail is loaded on its own rather than in its object's whole-object load,
// which would otherwise fail and have to be repeated without it. A wrong guess costs time only
// (a function in a loaded module's BTF is reported missing here; the load then finds it).
struct bpf_program;

namespace vmtest {

bool attach_target_missing(const bpf_program* prog);

} // namespace vmtest
