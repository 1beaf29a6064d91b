// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* BPF ring buffer (5.8): reserve/submit of a typed record and the copying
 * bpf_ringbuf_output. Nobody consumes the ring here; the point is that the map type and
 * helpers verify and that a full ring is handled (reserve may return NULL).
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: both programs are runnable. */
#include "corpus.h"

struct event {
  __u32 len;
  __u32 ifindex;
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4096); /* one page: the smallest legal size */
} events SEC(".maps");

/* XDP: reserve a record in place, fill it, submit it. Always passes the packet. */
SEC("xdp")
int xdp_ringbuf_reserve(struct xdp_md* ctx) {
  struct event* e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return XDP_PASS; /* ring full: never block the data path */
  e->len = ctx->data_end - ctx->data;
  e->ifindex = ctx->ingress_ifindex;
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}

/* Socket filter: copy a stack record with bpf_ringbuf_output; keeps the whole packet. */
SEC("socket")
int sock_ringbuf_output(struct __sk_buff* skb) {
  struct event e = {.len = skb->len, .ifindex = skb->ifindex};
  bpf_ringbuf_output(&events, &e, sizeof(e), 0);
  return skb->len;
}
