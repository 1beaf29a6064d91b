// freplace (BPF_PROG_TYPE_EXT) programs need a target program to load. Like veristat, the
// loader guesses the type they would replace from their one context argument and loads them as
// that type: freplace_xdp as xdp, freplace_skb as sched_cls. freplace_unknown's context names
// no program type, so it is left as it is and libbpf rejects it for want of a target.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct not_a_context {
  int x;
};

SEC("freplace/xdp_target")
int freplace_xdp(struct xdp_md *ctx) { return XDP_PASS; }

SEC("freplace/skb_target")
int freplace_skb(struct __sk_buff *skb) { return skb->len > 0 ? 0 : 2; }

SEC("freplace/unknown_target")
int freplace_unknown(struct not_a_context *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
