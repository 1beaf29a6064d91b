// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A fully unrolled loop of 64 iterations, 8 conditional branches each (512 branches, ~1K
 * insns): straight-line code whose cost is linear in its length, because every branch that
 * is not taken leaves one pending state for the verifier to finish later.
 * Sibling of unroll1024.bpf.c; both use the same body so the two verdicts are comparable.
 * Expected: accepted on 5.10, 6.1 and 6.12 (1547 processed insns, ~2 ms natively).
 * test_run: XDP; scans the first 64 bytes: XDP_ABORTED if the packet is shorter,
 * XDP_DROP if any of them is 0xff, else XDP_PASS. */
#include "unroll.h"

SEC("xdp")
int xdp_unroll64(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;

  if (data + WINDOW > data_end) return XDP_ABORTED;
  R64(0)
  return XDP_PASS;
}
