// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tail calls through a BPF_MAP_TYPE_PROG_ARRAY. The harness loads each program alone with
 * fresh maps, so the array is empty at test_run and the tail call falls through; that
 * fall-through path is exactly what the cases check.
 * Expected: both programs accepted on 5.10, 6.1 and 6.12. test_run: xdp_tail_entry returns
 * XDP_PASS (empty slot), xdp_tail_target returns XDP_DROP. */
#include "corpus.h"

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} jump_table SEC(".maps");

SEC("xdp")
int xdp_tail_entry(struct xdp_md* ctx) {
  bpf_tail_call(ctx, &jump_table, 0);
  /* Only reached when slot 0 is empty or the tail-call budget is spent. */
  return XDP_PASS;
}

SEC("xdp")
int xdp_tail_target(struct xdp_md* ctx) {
  return XDP_DROP;
}
