// Fault fixture (tests/e2e/faults_guest_e2e_test.cpp): loads in a moment, but one
// BPF_PROG_TEST_RUN of it runs 8M bpf_loop callbacks (about a second under TCG), so its
// testrun case (repeat 1000000) keeps the guest busy far past any timeout: a guest that
// stops mid-corpus, on purpose and on every run. Needs bpf_loop (5.17+).
#include <linux/bpf.h>
// bpf_helpers.h needs the __u32/__u64 of linux/bpf.h first.
#include <bpf/bpf_helpers.h>

static long spin(__u32 index, void* data) {
  *(__u64*)data += index;
  return 0;
}

SEC("xdp")
int xdp_slow(struct xdp_md* ctx) {
  __u64 sum = 0;
  bpf_loop(1 << 23, spin, &sum, 0);
  return sum ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
