// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A raw tracepoint program (4.17). Its BPF_PROG_TEST_RUN (5.10+) takes the tracepoint
 * arguments as ctx_in (an array of u64) and no packet; repeat must be 0.
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: returns args[0] + args[1]
 * truncated to 32 bits, so a case can prove that ctx_in reached the program. */
#include "corpus.h"

SEC("raw_tp/sys_enter")
int raw_tp_args(struct bpf_raw_tracepoint_args* ctx) {
  return (int)(ctx->args[0] + ctx->args[1]);
}
