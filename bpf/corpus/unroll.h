// SPDX-License-Identifier: BSD-2-Clause
/* The unrolled-loop body shared by unroll64.bpf.c and unroll1024.bpf.c, so their two
 * verdicts differ only in the number of iterations. */
#pragma once
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
