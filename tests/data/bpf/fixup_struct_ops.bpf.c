// libbpf (1.4+) loads every program a struct_ops map references whenever the map is created,
// whatever the programs' autoload says. Loading "only" good_ssthresh would therefore also load
// bad_undo_cwnd and fail. veristat masks the map's other members for each program it loads;
// so must we: good_ssthresh and good_cong_avoid are accepted, bad_undo_cwnd alone is rejected.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("struct_ops/good_ssthresh")
__u32 BPF_PROG(good_ssthresh, struct sock *sk) { return 2; }

SEC("struct_ops/good_cong_avoid")
void BPF_PROG(good_cong_avoid, struct sock *sk, __u32 ack, __u32 acked) {}

SEC("struct_ops/bad_undo_cwnd")
__u32 BPF_PROG(bad_undo_cwnd, struct sock *sk) {
  return *(volatile __u32 *)(long)16;  // a scalar is not a pointer: rejected
}

SEC(".struct_ops")
struct tcp_congestion_ops vmtest_cc = {
    .ssthresh = (void *)good_ssthresh,
    .cong_avoid = (void *)good_cong_avoid,
    .undo_cwnd = (void *)bad_undo_cwnd,
    .name = "vmtest_cc",
};

char LICENSE[] SEC("license") = "GPL";
