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
// The same instance also gets an index. btf__find_by_name_kind is a linear scan over every
// type (0.6 ms on a 126k-type vmlinux natively, several ms under TCG), and libbpf calls it for
// every fentry/fexit/tp_btf/lsm attach target and every kfunc or typed ksym, object after
// object. With --wrap=btf__find_by_name_kind, a lookup in the kernel BTF is a hash lookup into
// an index built on first use, with the scan's exact answer: the lowest id of that kind and
// name, 0 for void or BTF_KIND_UNKN, -ENOENT (and errno) when there is none. Every other BTF
// (an object's own, a module's split BTF) still gets the real scan.
//
// This file belongs to vmtest-guest only; the unit tests link the shared libbpf, where the
// calls stay internal and nothing is cached.
#include <bpf/btf.h>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>

extern "C" {

btf* __real_btf__load_vmlinux_btf(void);
void __real_btf__free(btf* b);
__s32 __real_btf__find_by_name_kind(const btf* b, const char* name, __u32 kind);

namespace {
btf* g_vmlinux = nullptr;
int g_error = 0; // errno of the one failed parse

struct KindName {
  __u32 kind;
  std::string_view name; // points into g_vmlinux's string section, which lives as long
  bool operator==(const KindName&) const = default;
};
struct KindNameHash {
  size_t operator()(const KindName& k) const {
    return std::hash<std::string_view>()(k.name) ^ (size_t(k.kind) << 1);
  }
};
std::unordered_map<KindName, __s32, KindNameHash>* g_index = nullptr;

void build_index() {
  g_index = new std::unordered_map<KindName, __s32, KindNameHash>();
  const __u32 n = btf__type_cnt(g_vmlinux);
  g_index->reserve(n);
  for (__u32 id = 1; id < n; ++id) {
    const btf_type* t = btf__type_by_id(g_vmlinux, id);
    const char* name = btf__name_by_offset(g_vmlinux, t->name_off);
    if (!name) continue;
    // emplace keeps the first, lowest id: the one the scan returns.
    g_index->emplace(KindName{btf_kind(t), name}, static_cast<__s32>(id));
  }
}
} // namespace

__s32 __wrap_btf__find_by_name_kind(const btf* b, const char* name, __u32 kind) {
  if (!b || b != g_vmlinux) return __real_btf__find_by_name_kind(b, name, kind);
  if (kind == BTF_KIND_UNKN || std::strcmp(name, "void") == 0) return 0;
  if (!g_index) build_index();
  auto it = g_index->find(KindName{kind, name});
  if (it != g_index->end()) return it->second;
  errno = ENOENT;
  return -ENOENT;
}

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
