// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Rejected on purpose: dereferences the result of bpf_map_lookup_elem without the NULL
 * check. A hash map, because newer kernels (6.13+) know that an array lookup with a constant
 * in-range key cannot fail and would accept the same code on an array.
 * Expected: rejected on 5.10, 6.1 and 6.12 with "R0 invalid mem access 'map_value_or_null'".
 * test_run: none (never loads). */
#include "corpus.h"

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} packets SEC(".maps");

SEC("tc")
int tc_unchecked_map_value(struct __sk_buff* skb) {
  __u32 key = 0;
  __u64* v = bpf_map_lookup_elem(&packets, &key);
  /* The missing line: if (!v) return TC_ACT_OK; */
  *v += 1;
  return TC_ACT_OK;
}
