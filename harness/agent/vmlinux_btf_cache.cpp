// SPDX-License-Identifier: BSD-2-Clause
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
// The cache must stay invisible in results: a program's log is what a fresh libbpf prints for
// its object loaded alone. The real parse prints through libbpf's print callback (on a kernel
// without BTF: "kernel BTF is missing at '/sys/kernel/btf/vmlinux', was CONFIG_DEBUG_INFO_BTF
// enabled?"), and the agent captures those lines into the log of the program being loaded. So
// the first call records what the real parse printed, and every later call prints it again
// through whatever callback is installed then, as an uncached call would have.
//
// The same instance also gets an index. btf__find_by_name_kind is a linear scan over every
// type (0.6 ms on a 126k-type vmlinux natively, several ms under TCG), and libbpf calls it for
// every fentry/fexit/tp_btf/lsm attach target and every kfunc or typed ksym, object after
// object. With --wrap=btf__find_by_name_kind, a lookup in the kernel BTF is a hash lookup into
// an index, with the scan's exact answer: the lowest id of that kind and name, 0 for void or
// BTF_KIND_UNKN, -ENOENT (and errno) when there is none. Every other BTF (an object's own, a
// module's split BTF) still gets the real scan. Building the index costs about thirty scans
// (26-39 ms against 0.7-1 ms natively on 126k types), and the bundled corpus makes 9 lookups
// where libbpf-tools makes 192, so the first kScansBeforeIndex lookups scan and only a corpus
// that keeps asking pays for the index. Anonymous types (half of them: pointers, prototypes,
// arrays) are left out of it; a lookup of an empty name scans.
//
// This file belongs to vmtest-guest only; the unit tests link the shared libbpf, where the
// calls stay internal and nothing is cached.
#include <algorithm>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" {

btf* __real_btf__load_vmlinux_btf(void);
void __real_btf__free(btf* b);
__s32 __real_btf__find_by_name_kind(const btf* b, const char* name, __u32 kind);

namespace {
btf* g_vmlinux = nullptr;
int g_error = 0; // errno of the one failed parse

// The index: an open-addressing table of type ids, keyed by (kind, name) and probed linearly.
// A slot holds the id and its key's hash; the key itself is read back from the BTF, so the
// table is one flat array and its build allocates once. (A node-based std::unordered_map of
// the same 126k keys took 80-100 ms to build natively, 0.5 s under TCG: more than the
// lookups of a small corpus ever saved.)
struct Slot {
  __u32 id = 0; // 0: empty (id 0 is void, never indexed)
  __u32 hash = 0;
};
std::vector<Slot>* g_index = nullptr;
size_t g_mask = 0;
constexpr int kScansBeforeIndex = 12;
int g_scans = 0; // lookups answered by a scan so far

__u32 key_hash(__u32 kind, std::string_view name) {
  // FNV-1a over the name, then the kind.
  __u32 h = 2166136261u;
  for (unsigned char c : name)
    h = (h ^ c) * 16777619u;
  return (h ^ kind) * 16777619u;
}

bool same_key(__u32 id, __u32 kind, const char* name) {
  const btf_type* t = btf__type_by_id(g_vmlinux, id);
  return btf_kind(t) == kind && std::strcmp(btf__name_by_offset(g_vmlinux, t->name_off), name) == 0;
}

// The slot holding (kind, name), or the empty slot where it would go.
Slot& find_slot(__u32 kind, const char* name, __u32 hash) {
  for (size_t i = hash & g_mask;; i = (i + 1) & g_mask) {
    Slot& s = (*g_index)[i];
    if (s.id == 0 || (s.hash == hash && same_key(s.id, kind, name))) return s;
  }
}

// What the one real parse printed, in order, replayed on every cached call.
std::vector<std::pair<libbpf_print_level, std::string>>* g_parse_messages = nullptr;
libbpf_print_fn_t g_forward = nullptr; // the callback installed while the real parse runs

// What the one parse and the index cost, for bench/loader-profile.sh's split of the agent.
double g_parse_seconds = 0;
double g_index_seconds = 0;
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int record_parse_message(enum libbpf_print_level level, const char* fmt, va_list args) {
  va_list copy;
  va_copy(copy, args);
  char line[4096];
  const int n = vsnprintf(line, sizeof line, fmt, copy);
  va_end(copy);
  if (n > 0)
    g_parse_messages->emplace_back(level,
                                   std::string(line, std::min<size_t>(size_t(n), sizeof line - 1)));
  return g_forward ? g_forward(level, fmt, args) : 0;
}

int print_through(libbpf_print_fn_t fn, enum libbpf_print_level level, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const int r = fn(level, fmt, args);
  va_end(args);
  return r;
}

void replay_parse_messages() {
  // libbpf has no getter: setting returns the previous callback, which is put straight back.
  libbpf_print_fn_t now = libbpf_set_print(nullptr);
  libbpf_set_print(now);
  if (!now || !g_parse_messages) return;
  for (const auto& [level, text] : *g_parse_messages)
    print_through(now, level, "%s", text.c_str());
}

void build_index() {
  const auto t0 = std::chrono::steady_clock::now();
  const __u32 n = btf__type_cnt(g_vmlinux);
  size_t size = 1;
  while (size < 2 * size_t(n)) // at most half full: probes stay short
    size *= 2;
  g_index = new std::vector<Slot>(size);
  g_mask = size - 1;
  for (__u32 id = 1; id < n; ++id) {
    const btf_type* t = btf__type_by_id(g_vmlinux, id);
    const char* name = btf__name_by_offset(g_vmlinux, t->name_off);
    if (!name || !*name) continue;
    const __u32 hash = key_hash(btf_kind(t), name);
    Slot& slot = find_slot(btf_kind(t), name, hash);
    // Ids come in ascending order, so a key already there keeps the lowest id: the one the
    // scan returns.
    if (slot.id == 0) slot = {id, hash};
  }
  g_index_seconds = seconds_since(t0);
}
} // namespace

__s32 __wrap_btf__find_by_name_kind(const btf* b, const char* name, __u32 kind) {
  if (!b || b != g_vmlinux) return __real_btf__find_by_name_kind(b, name, kind);
  if (kind == BTF_KIND_UNKN || std::strcmp(name, "void") == 0) return 0;
  if (!*name) return __real_btf__find_by_name_kind(b, name, kind);
  if (!g_index && g_scans < kScansBeforeIndex) {
    ++g_scans;
    return __real_btf__find_by_name_kind(b, name, kind);
  }
  if (!g_index) build_index();
  const Slot& slot = find_slot(kind, name, key_hash(kind, name));
  if (slot.id != 0) return static_cast<__s32>(slot.id);
  errno = ENOENT;
  return -ENOENT;
}

btf* __wrap_btf__load_vmlinux_btf(void) {
  if (!g_vmlinux && !g_error) {
    g_parse_messages = new std::vector<std::pair<libbpf_print_level, std::string>>();
    g_forward = libbpf_set_print(record_parse_message);
    const auto t0 = std::chrono::steady_clock::now();
    g_vmlinux = __real_btf__load_vmlinux_btf();
    const int parse_errno = errno;
    g_parse_seconds = seconds_since(t0);
    libbpf_set_print(g_forward);
    if (!g_vmlinux) g_error = parse_errno ? parse_errno : ESRCH;
  } else {
    replay_parse_messages();
  }
  if (!g_vmlinux) errno = g_error; // libbpf 1.x reports failure as NULL plus errno
  return g_vmlinux;
}

void __wrap_btf__free(btf* b) {
  if (b && b == g_vmlinux) return;
  __real_btf__free(b);
}

void vmtest_btf_cache_seconds(double* parse, double* index) {
  *parse = g_parse_seconds;
  *index = g_index_seconds;
}

} // extern "C"
