// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The same unrolled loop as unroll64.bpf.c at 1024 iterations: 8192 conditional branches
 * in a row (~16K insns). The verifier pushes one pending state per branch that it does not
 * follow first and may hold at most 8192 (BPF_COMPLEXITY_LIMIT_JMP_SEQ), so it gives up
 * with "The sequence of 8193 jumps is too complex" after ~16K processed insns, long before
 * the 1M-insn limit: a verifier-limit rejection that stays cheap under TCG.
 * Expected: rejected (EFAULT, 16392 insns processed) on 5.10, 6.1, 6.12 and 6.18; ~25 ms
 * natively, 0.25-0.6 s under TCG. test_run: none (never loads). */
#include "unroll.h"

SEC("xdp")
int xdp_unroll1024(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;

  if (data + WINDOW > data_end) return XDP_ABORTED;
  R1024(0)
  return XDP_PASS;
}
