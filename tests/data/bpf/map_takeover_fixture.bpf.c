// Isolated loads that follow a whole-object load take over its maps, but never a map a test
// run may have written. Four runnable programs: xdp_idle_a and xdp_idle_b load together and
// only read `idle`; xdp_counter_writer increments `counter`; xdp_counter_reader drops when it
// finds `counter` non-zero, which a fresh map never is. The tests make writer and reader load
// on their own after the others, so the reader passes only if it got a map of its own.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} counter SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} idle SEC(".maps");

SEC("xdp")
int xdp_counter_writer(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&counter, &k);
  if (v) *v += 1;
  return XDP_PASS;
}

SEC("xdp")
int xdp_idle_a(struct xdp_md *ctx) {
  __u32 k = 0;
  return bpf_map_lookup_elem(&idle, &k) ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int xdp_idle_b(struct xdp_md *ctx) {
  __u32 k = 0;
  return bpf_map_lookup_elem(&idle, &k) ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int xdp_counter_reader(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&counter, &k);
  return v && *v ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
