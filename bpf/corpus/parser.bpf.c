// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A packet parser with many branches, run from two hooks: Ethernet, up to two VLAN tags
 * (802.1Q / 802.1ad), IPv4 (with options) or IPv6, then TCP, UDP or ICMP/ICMPv6, each
 * step behind its own bounds check. The verdict policy is a small firewall:
 *   - drop telnet (TCP dport 23), TCP with SYN+FIN, IPv4 fragments with a non-zero offset,
 *     IPv4 with a header length < 20 bytes, and ICMP echo requests with TTL/hop limit 1;
 *   - pass everything else, including non-IP frames and truncated packets (the stack
 *     decides about those).
 * Expected: both programs accepted on 5.10, 6.1 and 6.12.
 * test_run: xdp_parser returns XDP_PASS / XDP_DROP, tc_parser TC_ACT_OK / TC_ACT_SHOT. */
#include "corpus.h"

enum verdict { V_PASS, V_DROP };

struct cursor {
  void* pos;
  void* end;
};

static __always_inline enum verdict parse_l4(struct cursor* c, __u8 proto, __u8 ttl) {
  if (proto == IPPROTO_TCP) {
    struct tcphdr* th = c->pos;
    if ((void*)(th + 1) > c->end) return V_PASS;
    if (th->syn && th->fin) return V_DROP;
    if (th->dest == bpf_htons(23)) return V_DROP;
    return V_PASS;
  }
  if (proto == IPPROTO_UDP) {
    struct udphdr* uh = c->pos;
    if ((void*)(uh + 1) > c->end) return V_PASS;
    if (uh->dest == bpf_htons(0) || uh->source == bpf_htons(0)) return V_DROP;
    return V_PASS;
  }
  if (proto == IPPROTO_ICMP || proto == NEXTHDR_ICMPV6) {
    struct icmphdr* ih = c->pos;
    if ((void*)(ih + 1) > c->end) return V_PASS;
    /* echo request: type 8 for ICMP, 128 for ICMPv6 */
    if ((ih->type == 8 || ih->type == 128) && ttl <= 1) return V_DROP;
    return V_PASS;
  }
  return V_PASS;
}

static __always_inline enum verdict parse(void* data, void* data_end) {
  struct cursor c = {.pos = data, .end = data_end};
  struct ethhdr* eth = c.pos;
  if ((void*)(eth + 1) > c.end) return V_PASS;
  c.pos = eth + 1;
  __u16 proto = eth->h_proto;

#pragma clang loop unroll(full)
  for (int i = 0; i < 2; i++) {
    if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD)) break;
    struct vlan_hdr* vh = c.pos;
    if ((void*)(vh + 1) > c.end) return V_PASS;
    proto = vh->h_vlan_encapsulated_proto;
    c.pos = vh + 1;
  }

  if (proto == bpf_htons(ETH_P_IP)) {
    struct iphdr* iph = c.pos;
    if ((void*)(iph + 1) > c.end) return V_PASS;
    __u32 hlen = iph->ihl * 4;
    if (hlen < sizeof(*iph)) return V_DROP;
    if (iph->frag_off & bpf_htons(0x1fff)) return V_DROP;
    if (c.pos + hlen > c.end) return V_PASS;
    c.pos += hlen;
    return parse_l4(&c, iph->protocol, iph->ttl);
  }
  if (proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr* ip6 = c.pos;
    if ((void*)(ip6 + 1) > c.end) return V_PASS;
    c.pos = ip6 + 1;
    return parse_l4(&c, ip6->nexthdr, ip6->hop_limit);
  }
  return V_PASS;
}

SEC("xdp")
int xdp_parser(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;
  return parse(data, data_end) == V_DROP ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_parser(struct __sk_buff* skb) {
  void* data = (void*)(long)skb->data;
  void* data_end = (void*)(long)skb->data_end;
  return parse(data, data_end) == V_DROP ? TC_ACT_SHOT : TC_ACT_OK;
}
