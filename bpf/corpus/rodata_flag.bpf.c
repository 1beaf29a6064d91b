// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* rodata_flag: one object, two configurations. `use_coarse_clock` lives in .rodata; the loader
 * sets it before load (testrun/rodata_flag.yaml declares the presets "fine" and "coarse", as
 * `veristat -G use_coarse_clock=1` would). libbpf freezes .rodata, so the verifier reads the
 * flag as a constant and walks only the branch it selects: the other branch is dead code and
 * never checked.
 * Expected: "fine" (flag 0) calls bpf_ktime_get_ns, which every kernel has. "coarse" (flag 1)
 * calls bpf_ktime_get_coarse_ns (5.11) and mixes the stamp over eight unrolled rounds, so it
 * costs more insns wherever it loads, and 5.10 rejects it (unknown func) while accepting
 * "fine". The loop is unrolled so that no kernel sees a back-edge.
 * test_run: XDP, always returns XDP_PASS. */
#include "corpus.h"

const volatile bool use_coarse_clock = false;

__u64 last_stamp = 0;

SEC("xdp")
int xdp_clock_stamp(struct xdp_md* ctx) {
  __u64 t;
  if (use_coarse_clock) {
    t = bpf_ktime_get_coarse_ns();
#pragma unroll
    for (int i = 0; i < 8; i++)
      t = (t ^ (t >> 7)) * 0x9E3779B97F4A7C15ULL;
  } else {
    t = bpf_ktime_get_ns();
  }
  last_stamp = t;
  return XDP_PASS;
}
