// The per-CPU cgroup storage wants max_entries 0 just like the plain one, but veristat does
// not list it among the maps it leaves alone: it sets max_entries to 1, map creation fails with
// EINVAL, and every program of such an object is reported as a failure without being verified.
// Here the one deliberate difference from veristat: the map keeps 0 and the program is verified.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE);
  __type(key, struct bpf_cgroup_storage_key);
  __type(value, __u64);
} percpu_cgroup_store SEC(".maps");

SEC("cgroup_skb/ingress")
int cgskb_percpu_cgroup_storage(struct __sk_buff *skb) {
  __u64 *v = bpf_get_local_storage(&percpu_cgroup_store, 0);
  *v += 1;
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
