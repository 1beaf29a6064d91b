// Maps whose size the application sets at run time and leaves out of the object: the loader
// gives them one entry, as veristat does (a ring buffer becomes one page). Both programs load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
  __uint(key_size, sizeof(int));
  __uint(value_size, sizeof(int));
} perf_events SEC(".maps");

SEC("xdp")
int xdp_runtime_sized(struct xdp_md *ctx) {
  __u32 key = 0;
  __u64 *v = bpf_map_lookup_elem(&counts, &key);
  if (v) *v += 1;
  bpf_ringbuf_output(&events, &key, sizeof(key), 0);
  return XDP_PASS;
}

SEC("kprobe/do_unlinkat")
int kprobe_runtime_sized(struct pt_regs *ctx) {
  __u32 key = 1;
  bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &key, sizeof(key));
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
