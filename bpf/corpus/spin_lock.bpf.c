// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpf_spin_lock (5.1) in a map value: the verifier checks that every path unlocks and
 * that no helper call happens while the lock is held. Needs BTF for the map (libbpf).
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: TC, returns TC_ACT_OK. */
#include "corpus.h"

struct locked_counter {
  struct bpf_spin_lock lock;
  __u64 packets;
  __u64 bytes;
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct locked_counter);
} counter SEC(".maps");

SEC("tc")
int tc_spin_lock(struct __sk_buff* skb) {
  __u32 key = 0, len = skb->len;
  struct locked_counter* c = bpf_map_lookup_elem(&counter, &key);
  if (!c) return TC_ACT_OK;
  bpf_spin_lock(&c->lock);
  c->packets++;
  c->bytes += len;
  bpf_spin_unlock(&c->lock);
  return TC_ACT_OK;
}
