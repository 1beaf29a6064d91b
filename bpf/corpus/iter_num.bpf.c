// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Open-coded numeric iterator (6.4): bpf_iter_num_{new,next,destroy} kfuncs, declared
 * here as __ksym because libbpf 1.1 ships neither the declarations nor the bpf_for()
 * macro. The verifier checks the body once per distinct state instead of unrolling.
 * Expected: 5.10 and 6.1 reject before verification (libbpf cannot resolve the kfuncs in
 * the kernel's BTF), 6.12 accepts. test_run: XDP, sums 0..15 = 120 and returns XDP_PASS
 * when the sum is right. */
#include "corpus.h"

extern int bpf_iter_num_new(struct bpf_iter_num* it, int start, int end) __ksym;
extern int* bpf_iter_num_next(struct bpf_iter_num* it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num* it) __ksym;

SEC("xdp")
int xdp_iter_num(struct xdp_md* ctx) {
  struct bpf_iter_num it;
  int* v;
  int sum = 0;

  bpf_iter_num_new(&it, 0, 16);
  while ((v = bpf_iter_num_next(&it))) sum += *v;
  bpf_iter_num_destroy(&it);
  return sum == 120 ? XDP_PASS : XDP_DROP;
}
