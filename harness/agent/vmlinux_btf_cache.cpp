// One parse of the kernel's BTF per agent run, instead of one per bpf_object__load.
//
// libbpf parses /sys/kernel/btf/vmlinux (5-6 MB, over 100k types) in every bpf_object__load
// that has CO-RE relocations, kfuncs or BTF-typed attach points, and frees it when the load
// ends. A corpus loads objects hundreds of times, and under TCG each parse costs tens of
// milliseconds: most of the agent's time outside the verifier.
//
// libbpf has no API to hand an object a parsed BTF (btf_custom_path only names a file to parse
// again). vmtest-guest links libbpf statically, so the linker can redirect libbpf's own calls
// instead: with -Wl,--wrap=btf__load_vmlinux_btf,--wrap=btf__free every call from libbpf.o
// lands here. The first call parses, later calls return the same instance, and freeing that
// instance is a no-op: it lives until the process exits. libbpf only reads the kernel BTF
// (CO-RE candidates, attach targets, kfuncs; module BTF is split on top of it without changing
// it), so sharing one instance between loads changes no result. A failure (no kernel BTF, as
// on 4.18) is remembered too, so the fallback paths are not searched again for every object.
//
// This file belongs to vmtest-guest only; the unit tests link the shared libbpf, where the
// calls stay internal and nothing is cached.
#include <bpf/btf.h>
#include <cerrno>

extern "C" {

btf* __real_btf__load_vmlinux_btf(void);
void __real_btf__free(btf* b);

namespace {
btf* g_vmlinux = nullptr;
int g_error = 0; // errno of the one failed parse
} // namespace

btf* __wrap_btf__load_vmlinux_btf(void) {
  if (!g_vmlinux && !g_error) {
    g_vmlinux = __real_btf__load_vmlinux_btf();
    if (!g_vmlinux) g_error = errno ? errno : ESRCH;
  }
  if (!g_vmlinux) errno = g_error; // libbpf 1.x reports failure as NULL plus errno
  return g_vmlinux;
}

void __wrap_btf__free(btf* b) {
  if (b && b == g_vmlinux) return;
  __real_btf__free(b);
}

} // extern "C"
