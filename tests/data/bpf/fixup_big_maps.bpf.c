// Big preallocated maps, sized as real tools size them. The loader caps hash-family and
// stack-trace maps at 64 entries (creating them full size was most of a load's cost under
// TCG); arrays keep their size, since the verifier checks constant keys against it. The
// program uses every map, and verifies the same either way.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 10240);
  __type(key, __u32);
  __type(value, __u64);
} hash SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 10240);
  __type(key, __u32);
  __type(value, __u64);
} lru SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 10240);
  __type(key, __u32);
  __type(value, __u64);
} percpu SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} small SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_STACK_TRACE);
  __uint(max_entries, 16384);
  __uint(key_size, sizeof(__u32));
  __uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 10240);
  __type(key, __u32);
  __type(value, __u64);
} array SEC(".maps");

static __always_inline void bump(void *map, __u32 key) {
  __u64 *v = bpf_map_lookup_elem(map, &key);
  if (v) *v += 1;
}

SEC("kprobe/do_unlinkat")
int kprobe_big_maps(struct pt_regs *ctx) {
  __u32 key = bpf_get_stackid(ctx, &stacks, 0);
  bump(&hash, key);
  bump(&lru, key);
  bump(&percpu, key);
  bump(&small, key);
  bump(&array, 10000); // a constant key the verifier checks against the array's size
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
