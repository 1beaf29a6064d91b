// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A real (not unrolled) bounded loop, 5.3+: the verifier walks every iteration and proves
 * termination from the counter's bounds. 32 iterations keep verification cheap.
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: cgroup_skb; sums the first 32 bytes
 * of the packet (network header onwards) and allows the packet (1) unless the sum is 0,
 * i.e. an all-zero or too-short packet is dropped (0). */
#include "corpus.h"

#define NBYTES 32

SEC("cgroup_skb/ingress")
int cgskb_bounded_loop(struct __sk_buff* skb) {
  __u8 buf[NBYTES];
  __u32 sum = 0;

  if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf))) return 0;
#pragma clang loop unroll(disable)
  for (int i = 0; i < NBYTES; i++) sum += buf[i];
  return sum != 0 ? 1 : 0;
}
