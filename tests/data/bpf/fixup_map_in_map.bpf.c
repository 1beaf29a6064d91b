// Before 5.10 the kernel compares max_entries between a map-in-map's inner-map template and
// every map put in it, here at load time through the initial slot. Capping the big hash map
// (but not the template, which libbpf keeps apart) would fail that check on such kernels, so an
// object with a map-in-map keeps every size as written. (RHEL 8.1's 4.18 refuses to create
// this inner map: EINVAL with and without BTF, so there the program is rejected.)
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct inner {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 10240);
  __type(key, __u32);
  __type(value, __u64);
};

struct inner inner_a SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 2);
  __type(key, __u32);
  __array(values, struct inner);
} outer SEC(".maps") = {
    .values = {[0] = &inner_a},
};

SEC("xdp")
int xdp_map_in_map(struct xdp_md *ctx) {
  __u32 key = 0;
  void *m = bpf_map_lookup_elem(&outer, &key);
  if (!m) return XDP_PASS;
  __u64 *v = bpf_map_lookup_elem(m, &key);
  if (v) *v += 1;
  return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
