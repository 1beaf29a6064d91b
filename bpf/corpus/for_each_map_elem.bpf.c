// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpf_for_each_map_elem (5.13): callback-based iteration over an array map.
 * Expected: 5.10 rejects ("number of funcs in func_info doesn't match number of subprogs":
 * like every callback helper it needs BPF_PSEUDO_FUNC, 5.13), 6.1 and 6.12 accept.
 * test_run: TC; the map starts zeroed, so the sum is 0 and the program returns TC_ACT_OK. */
#include "corpus.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

struct sum_ctx {
  __u64 sum;
};

/* Only data-dependent state in the callback: 6.8+ verifies callbacks as loops, and a
 * per-call counter that the caller later compares would be tracked precisely, giving a new
 * state on every pass and running the verifier to its 1M-insn limit. */
static long add_elem(struct bpf_map* map, __u32* key, __u64* val, struct sum_ctx* c) {
  c->sum += *val;
  return 0;
}

SEC("tc")
int tc_for_each_map_elem(struct __sk_buff* skb) {
  struct sum_ctx c = {0};
  long n = bpf_for_each_map_elem(&counters, add_elem, &c, 0);
  /* The helper returns how many elements it visited: every slot of an array map. */
  if (n != 16) return TC_ACT_SHOT;
  return c.sum == 0 ? TC_ACT_OK : TC_ACT_SHOT;
}
