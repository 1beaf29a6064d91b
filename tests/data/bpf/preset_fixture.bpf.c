/* Globals of every kind a preset can set (agent/global_presets.h), and one program whose cost
 * depends on a .rodata flag, for tests/agent/global_presets_test.cpp. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

enum mode { MODE_OFF = 0, MODE_FAST = 3, MODE_SLOW = 7 };

const volatile bool heavy = false;      /* .rodata */
const volatile __s16 offset = -1;       /* .rodata */
volatile __u8 small = 1;                /* .data */
volatile enum mode chosen = MODE_OFF;   /* .bss */
struct { int a; } not_scalar = {1};     /* .data, a struct: cannot be preset */

SEC("xdp")
int xdp_preset(struct xdp_md* ctx) {
  __u64 x = ctx->data_end - ctx->data + offset + small + chosen;
  if (heavy) {
#pragma unroll
    for (int i = 0; i < 16; i++)
      x = (x ^ (x >> 5)) * 31;
  }
  return x == 12345 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
