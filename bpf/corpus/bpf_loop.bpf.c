// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpf_loop: the helper (5.17) runs a callback N times so the verifier checks the callback
 * body once instead of unrolling the loop.
 * Expected: 5.10 rejects, 6.1 and 6.12 accept. 5.10 fails before it reaches the helper: it
 * does not know callback references (BPF_PSEUDO_FUNC, 5.13), so the callback is no subprog
 * and the load stops at "number of funcs in func_info doesn't match number of subprogs"
 * (EINVAL, 0 insns processed). Measured: 24 insns on 6.1, 137 on 6.12 and 6.18.
 * CI asserts on exactly this program; keep its name and type. test_run: XDP, returns
 * XDP_PASS when the callback ran LOOP_N times, XDP_ABORTED otherwise. */
#include "corpus.h"

#define LOOP_N 8

struct loop_ctx {
  __u32 calls;
};

static long count_call(__u32 index, void* data) {
  struct loop_ctx* c = data;
  c->calls++;
  return 0; /* 0 = continue, 1 = stop early */
}

SEC("xdp")
int xdp_bpf_loop(struct xdp_md* ctx) {
  struct loop_ctx c = {0};
  long n = bpf_loop(LOOP_N, count_call, &c, 0);
  if (n != LOOP_N || c.calls != LOOP_N) return XDP_ABORTED;
  return XDP_PASS;
}
