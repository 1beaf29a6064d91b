// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Rejected on purpose: reads the Ethernet type without comparing against data_end first.
 * Expected: rejected on 5.10, 6.1 and 6.12 with "invalid access to packet, off=12 size=2".
 * test_run: none (never loads). */
#include "corpus.h"

SEC("xdp")
int xdp_missing_bounds(struct xdp_md* ctx) {
  struct ethhdr* eth = (void*)(long)ctx->data;
  /* The missing line: if ((void *)(eth + 1) > (void *)(long)ctx->data_end) return ...; */
  return eth->h_proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}
