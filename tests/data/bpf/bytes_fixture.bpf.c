// Fixture for "bytes are data" (issue 24): names, sections and log text that are not UTF-8.
// This file is Latin-1 on purpose: the comment on the rejected access below holds the byte
// 0xE9, and BTF line info carries that source line into the verifier log. The second program
// is named and placed with raw bytes (an asm label and a section string), as a hand-made or
// hostile object can be. Every byte must reach results.json, the full log file and the
// reports without crashing anything.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int latin1_log(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  return *(volatile __u8 *)data; /* café: no bounds check, so rejected */
}

int raw_name(void *ctx) __asm__("caf\xe9_prog");
SEC("kprobe/caf\xe9")
int raw_name(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
