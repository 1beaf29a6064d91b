// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A BPF flow dissector (4.20): fills struct bpf_flow_keys for IPv4 TCP/UDP, starting at
 * keys->nhoff as the kernel hands it over. Direct packet access only.
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: the program returns BPF_OK (0) for
 * IPv4 with a complete TCP/UDP header and for other IPv4, BPF_DROP (2) for non-IPv4 or
 * truncated headers. 6.0+ report that code as retval; 5.10 reports 1 for BPF_OK and 0 for
 * anything else. The flow keys come back as data_out, whose size differs between kernels. */
#include "corpus.h"

SEC("flow_dissector")
int flow_dissector_ipv4(struct __sk_buff* skb) {
  struct bpf_flow_keys* keys = skb->flow_keys;
  void* data = (void*)(long)skb->data;
  void* data_end = (void*)(long)skb->data_end;

  if (keys->n_proto != bpf_htons(ETH_P_IP)) return BPF_DROP;

  /* The verifier only trusts a variable packet offset it can bound (MAX_PACKET_OFF), and
   * nhoff is a u16 it knows nothing else about. */
  __u32 nhoff = keys->nhoff;
  if (nhoff > 128) return BPF_DROP;
  struct iphdr* iph = data + nhoff;
  if ((void*)(iph + 1) > data_end) return BPF_DROP;
  if (iph->ihl < 5) return BPF_DROP;

  keys->addr_proto = ETH_P_IP;
  keys->ipv4_src = iph->saddr;
  keys->ipv4_dst = iph->daddr;
  keys->ip_proto = iph->protocol;
  __u32 thoff = nhoff + iph->ihl * 4;
  keys->thoff = thoff;
  if (iph->frag_off & bpf_htons(0x3fff)) {
    keys->is_frag = 1;
    return BPF_OK;
  }

  if (iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) {
    /* Source and destination port sit at the same offsets in TCP and UDP. */
    __be16* ports = data + thoff;
    if ((void*)(ports + 2) > data_end) return BPF_DROP;
    keys->sport = ports[0];
    keys->dport = ports[1];
  }
  return BPF_OK;
}
