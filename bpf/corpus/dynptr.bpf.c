// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Dynamic pointers (5.19/6.0): a local dynptr over a map value, written and read back
 * through bpf_dynptr_write/bpf_dynptr_read (the 5-argument forms with flags, 6.0).
 * The backing memory is a map value because the first dynptr kernels accepted nothing else.
 * Expected: 5.10 rejects (helper unknown: "invalid func unknown#197"), 6.1 and 6.12 accept.
 * test_run: XDP, XDP_PASS when the round trip returned the bytes written, else XDP_DROP. */
#include "corpus.h"

struct buf {
  __u8 bytes[64];
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct buf);
} scratch SEC(".maps");

SEC("xdp")
int xdp_dynptr(struct xdp_md* ctx) {
  __u32 key = 0;
  struct buf* b = bpf_map_lookup_elem(&scratch, &key);
  if (!b) return XDP_ABORTED;

  struct bpf_dynptr ptr;
  if (bpf_dynptr_from_mem(b, sizeof(*b), 0, &ptr)) return XDP_ABORTED;

  __u32 in = 0xc0ffee42, out = 0, junk = 0;
  if (bpf_dynptr_write(&ptr, 8, &in, sizeof(in), 0)) return XDP_DROP;
  if (bpf_dynptr_read(&out, sizeof(out), &ptr, 8, 0)) return XDP_DROP;
  /* Out of range must fail, not corrupt memory. */
  if (bpf_dynptr_read(&junk, sizeof(junk), &ptr, 62, 0) == 0) return XDP_DROP;
  return out == in ? XDP_PASS : XDP_DROP;
}
