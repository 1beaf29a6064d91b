/* Subprograms: a static function (bpf-to-bpf call, verified in the caller's context) and a
 * global function (5.6+: verified once on its own, with only its argument types known).
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: socket filter; returns the number of
 * bytes to keep: the whole packet for IPv4 (ethertype 0x0800), 0 for anything else or for
 * frames shorter than an Ethernet header. */
#include "corpus.h"

/* Global: the verifier knows only that skb is a context pointer, so the function must do
 * its own length checks. noinline keeps clang from folding it into the caller. */
__attribute__((noinline)) int frame_ethertype(struct __sk_buff* skb) {
  __u16 proto_be;
  if (bpf_skb_load_bytes(skb, 12, &proto_be, sizeof(proto_be))) return -1;
  return bpf_ntohs(proto_be);
}

/* Static: verified inline for each call site, so it may rely on the caller's facts. */
static __attribute__((noinline)) int keep_len(int ethertype, int len) {
  return ethertype == ETH_P_IP ? len : 0;
}

SEC("socket")
int sock_global_funcs(struct __sk_buff* skb) {
  int et = frame_ethertype(skb);
  if (et < 0) return 0;
  return keep_len(et, skb->len);
}
