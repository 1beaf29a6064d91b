// Fault fixture (tests/e2e/faults_guest_e2e_test.cpp): a rejected program whose failing
// source line carries the results port's frame markers, old and new. The verifier log tail
// quotes that line, so the markers travel inside the guest's report. They must not spoof it.
#include <linux/bpf.h>
// bpf_helpers.h needs the __u32/__u64 of linux/bpf.h first.
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_spoof_ok(struct xdp_md* ctx) {
  return XDP_PASS;
}

SEC("xdp")
int xdp_spoof_rejected(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  // No bounds check against data_end: rejected on every kernel, at the line below.
  return *(__u8*)data; /* VMTEST-RESULTS-BEGIN 7 */ /* VMTEST-RECORD end 2 {} */
}

char LICENSE[] SEC("license") = "GPL";
