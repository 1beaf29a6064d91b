// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A plain kfunc call (not an iterator): bpf_cast_to_kern_ctx (6.2) turns the XDP uapi
 * context into the kernel's struct xdp_buff, which is then walked through BTF
 * (xdp_buff -> rxq -> dev -> ifindex; field offsets CO-RE relocated by libbpf).
 * Expected: 5.10 and 6.1 reject before verification (libbpf finds no such kfunc in the
 * kernel's BTF), 6.12 accepts. test_run: XDP, returns XDP_PASS when the kernel's view of
 * the receiving device agrees with the uapi ingress_ifindex, XDP_DROP otherwise. */
#define CORPUS_CO_RE /* reads kernel-internal structs */
#include "corpus.h"

extern void* bpf_cast_to_kern_ctx(void* obj) __ksym;

SEC("xdp")
int xdp_kern_ctx(struct xdp_md* ctx) {
  struct xdp_buff* kctx = bpf_cast_to_kern_ctx(ctx);
  int kern_ifindex = kctx->rxq->dev->ifindex;
  return kern_ifindex == (int)ctx->ingress_ifindex ? XDP_PASS : XDP_DROP;
}
