// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Subprograms: a static function (bpf-to-bpf call, verified in the caller's context) and a
 * global function (5.6+: verified once on its own, with only its argument types known).
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: socket filter, which sees the packet
 * from the network header on (test_run strips the Ethernet header, as the stack would);
 * returns the number of bytes to keep: all of them (skb->len) for IPv4, 0 otherwise. */
#include "corpus.h"

/* Global: the verifier knows only that skb is a context pointer, so the function must do
 * its own length checks. noinline keeps clang from folding it into the caller. */
__attribute__((noinline)) int ip_version(struct __sk_buff* skb) {
  __u8 first;
  if (bpf_skb_load_bytes(skb, 0, &first, sizeof(first))) return -1;
  return first >> 4;
}

/* Static: verified inline for each call site, so it may rely on the caller's facts. */
static __attribute__((noinline)) int keep_len(int version, int len) {
  return version == 4 ? len : 0;
}

SEC("socket")
int sock_global_funcs(struct __sk_buff* skb) {
  int v = ip_version(skb);
  if (v < 0) return 0;
  return keep_len(v, skb->len);
}
