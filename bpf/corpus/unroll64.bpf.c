/* A fully unrolled loop of 64 iterations, 8 conditional branches each (512 branches, ~1K
 * insns): straight-line code whose cost is linear in its length, because every branch that
 * is not taken leaves one pending state for the verifier to finish later.
 * Sibling of unroll1024.bpf.c; both use the same body so the two verdicts are comparable.
 * Expected: accepted on 5.10, 6.1 and 6.12 (1547 processed insns, ~2 ms natively).
 * test_run: XDP; scans the first 64 bytes: XDP_ABORTED if the packet is shorter,
 * XDP_DROP if any of them is 0xff, else XDP_PASS. */
#include "corpus.h"

#define WINDOW 64 /* bytes of packet scanned */

/* clang 14 refuses "#pragma unroll" past ~16K unrolled insns and emits a partially unrolled
 * loop instead, so the unrolling is spelled out with macros: ITER(i) is iteration i, with 8
 * checks (lanes). Each check loads its byte with one asm instruction (constant offset, same
 * base register), so clang can neither merge the comparisons nor spill 64 precomputed
 * pointers to the stack, which would make every pending verifier state 448 bytes bigger. */
static __always_inline __u64 load_byte(void* base, const int off) {
  __u64 v; /* ldxb zero-extends; a u64 spares clang a redundant mask */
  asm volatile("%[v] = *(u8 *)(%[b] + %[o])" : [v] "=r"(v) : [b] "r"(base), [o] "i"(off));
  return v;
}
#define LANE(i, j) \
  if (load_byte(data, ((i) * 8 + (j)) % WINDOW) == 0xff) return XDP_DROP;
#define ITER(i) \
  LANE(i, 0) LANE(i, 1) LANE(i, 2) LANE(i, 3) LANE(i, 4) LANE(i, 5) LANE(i, 6) LANE(i, 7)
#define R2(i) ITER(i) ITER((i) + 1)
#define R4(i) R2(i) R2((i) + 2)
#define R8(i) R4(i) R4((i) + 4)
#define R16(i) R8(i) R8((i) + 8)
#define R32(i) R16(i) R16((i) + 16)
#define R64(i) R32(i) R32((i) + 32)

SEC("xdp")
int xdp_unroll64(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;

  if (data + WINDOW > data_end) return XDP_ABORTED;
  R64(0)
  return XDP_PASS;
}
