// Two runnable programs sharing a writable map. Loaded on its own, xdp_counter_reader sees a
// fresh zero and passes; if the loader ran it in the same object after xdp_counter_writer's test
// run, it would see the writer's increment and drop. Test runs must see what isolated loads see.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} shared SEC(".maps");

SEC("xdp")
int xdp_counter_writer(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&shared, &k);
  if (v) *v += 1;
  return XDP_PASS;
}

SEC("xdp")
int xdp_counter_reader(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&shared, &k);
  return v && *v ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
