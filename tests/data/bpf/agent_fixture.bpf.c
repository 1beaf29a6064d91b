// Fixture for the agent's unit tests (run on the host kernel): one program that loads, one
// rejected with a long level-1 log, and one kprobe that has no BPF_PROG_TEST_RUN.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
  __uint(pinning, LIBBPF_PIN_BY_NAME);  // the agent must clear pin paths
} counters SEC(".maps");

SEC("xdp")
int xdp_ok(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&counters, &k);
  if (v) __sync_fetch_and_add(v, 1);
  return XDP_PASS;
}

// Many verified instructions before the bad access, so the level-1 log is long.
SEC("xdp")
int xdp_reject_late(struct xdp_md *ctx) {
  volatile __u64 acc = 0;
#pragma unroll
  for (int i = 0; i < 200; i++) acc += i;
  void *data = (void *)(long)ctx->data;
  return *(volatile __u8 *)data + acc;  // no bounds check against data_end: rejected
}

SEC("kprobe/do_unlinkat")
int kprobe_noop(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
