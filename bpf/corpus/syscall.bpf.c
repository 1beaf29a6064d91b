// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A BPF_PROG_TYPE_SYSCALL program (5.14): sleepable, run only through BPF_PROG_TEST_RUN,
 * with a user-defined context passed as ctx_in (repeat must be 0, no packet).
 * Expected: 5.10 rejects (program type unknown: EINVAL from BPF_PROG_LOAD, no verifier
 * log), 6.1 and 6.12 accept. test_run: returns a * b + c from the context struct below,
 * little-endian u32s. */
#include "corpus.h"

struct args {
  __u32 a;
  __u32 b;
  __u32 c;
};

SEC("syscall")
int syscall_mul_add(struct args* ctx) {
  return ctx->a * ctx->b + ctx->c;
}
