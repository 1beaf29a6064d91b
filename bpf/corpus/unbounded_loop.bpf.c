// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Rejected on purpose: a loop with no bound, spinning until the first packet byte changes.
 * The loop state is identical on every pass, so the verifier (5.3+) spots the cycle on the
 * second visit and stops at once: "infinite loop detected at insn N". (A loop whose counter
 * changes each pass would instead run the verifier to its 1M-insn limit, far too slow for
 * the TCG budget.)
 * Expected: rejected on 5.10, 6.1 and 6.12. test_run: none (never loads). */
#include "corpus.h"

SEC("xdp")
int xdp_unbounded_loop(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;

  if (data + 1 > data_end) return XDP_PASS;
  while (*(volatile __u8*)data != 0) {
  }
  return XDP_PASS;
}
