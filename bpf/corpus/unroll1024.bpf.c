/* The same unrolled loop as unroll64.bpf.c at 1024 iterations: 8192 conditional branches
 * in a row (~16K insns). The verifier pushes one pending state per branch that it does not
 * follow first and may hold at most 8192 (BPF_COMPLEXITY_LIMIT_JMP_SEQ), so it gives up
 * with "The sequence of 8193 jumps is too complex" after ~16K processed insns, long before
 * the 1M-insn limit: a verifier-limit rejection that stays cheap under TCG.
 * Expected: rejected (EFAULT, 16392 insns processed) on 5.10, 6.1, 6.12 and 6.18; ~25 ms
 * natively, 0.25-0.6 s under TCG. test_run: none (never loads). */
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
#define R128(i) R64(i) R64((i) + 64)
#define R256(i) R128(i) R128((i) + 128)
#define R512(i) R256(i) R256((i) + 256)
#define R1024(i) R512(i) R512((i) + 512)

SEC("xdp")
int xdp_unroll1024(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;

  if (data + WINDOW > data_end) return XDP_ABORTED;
  R1024(0)
  return XDP_PASS;
}
