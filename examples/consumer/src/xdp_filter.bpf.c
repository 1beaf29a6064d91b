// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Edge filter: drops IPv4 packets whose TTL is about to expire and packets from sources in
 * the `blocked` map (filled by user space), passes everything else, and counts each verdict.
 * Test cases: testrun/xdp_filter.yaml. */
#include "vmlinux.h"

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define ETH_P_IP 0x0800

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __be32); /* IPv4 source address */
  __type(value, __u8);
} blocked SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, XDP_REDIRECT + 1);
  __type(key, __u32);
  __type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int count(__u32 action) {
  __u64* n = bpf_map_lookup_elem(&verdicts, &action);
  if (n) *n += 1;
  return action;
}

SEC("xdp")
int xdp_filter(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > data_end) return count(XDP_PASS);
  if (eth->h_proto != bpf_htons(ETH_P_IP)) return count(XDP_PASS);
  struct iphdr* ip = (void*)(eth + 1);
  if ((void*)(ip + 1) > data_end) return count(XDP_PASS);
  if (ip->ttl <= 1) return count(XDP_DROP);
  if (bpf_map_lookup_elem(&blocked, &ip->saddr)) return count(XDP_DROP);
  return count(XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
