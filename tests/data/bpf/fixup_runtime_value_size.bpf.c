// A stack-trace map declared the way libbpf-tools' capable, offcputime and wakeuptime declare
// theirs: no value_size and no max_entries, both set by the tool before it loads. veristat
// raises max_entries to 1 but cannot guess the value size, so creating the map fails (EINVAL)
// and every program of the object is rejected, the unrelated one too. The loader must report
// exactly that, with libbpf's words naming the map.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_STACK_TRACE);
  __uint(key_size, sizeof(__u32));
} stackmap SEC(".maps");

SEC("kprobe/do_unlinkat")
int kprobe_stackid(struct pt_regs *ctx) { return bpf_get_stackid(ctx, &stackmap, 0) < 0; }

SEC("xdp")
int xdp_unrelated(struct xdp_md *ctx) { return XDP_PASS; }

char LICENSE[] SEC("license") = "GPL";
