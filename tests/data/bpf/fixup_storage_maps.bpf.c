// Local-storage maps are sized by the objects they hang off (sockets, tasks, inodes, cgroups),
// so the kernel insists on max_entries 0 for them; raising it to 1, as the loader does for
// other maps an application sizes at run time, makes map creation fail with EINVAL. veristat
// leaves these alone and loads every program here; so must we. (cgrp storage, 6.2+, lives in
// fixup_cgrp_storage.bpf.o so that this object loads on 6.1; the per-CPU cgroup storage, where
// we part from veristat, in fixup_percpu_cgroup_storage.bpf.o.)
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
  __uint(type, BPF_MAP_TYPE_SK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} sk_store SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} task_store SEC(".maps");

// Only BPF LSM programs may use inode storage, and whether one loads depends on the kernel's
// LSM and lockdown settings, so no program uses it here: libbpf creates every map of an object
// all the same, and a wrong max_entries would fail this one and, with it, every program.
struct {
  __uint(type, BPF_MAP_TYPE_INODE_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} inode_store SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
  __type(key, struct bpf_cgroup_storage_key);
  __type(value, __u64);
} cgroup_store SEC(".maps");

SEC("cgroup_skb/egress")
int cgskb_sk_storage(struct __sk_buff *skb) {
  struct bpf_sock *sk = skb->sk;
  if (!sk) return 1;
  sk = bpf_sk_fullsock(sk);
  if (!sk) return 1;
  __u64 *v = bpf_sk_storage_get(&sk_store, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
  if (v) *v += 1;
  return 1;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(tp_task_storage, struct pt_regs *regs, long id) {
  __u64 *v = bpf_task_storage_get(&task_store, bpf_get_current_task_btf(), 0,
                                  BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (v) *v += 1;
  return 0;
}

SEC("cgroup_skb/ingress")
int cgskb_cgroup_storage(struct __sk_buff *skb) {
  __u64 *v = bpf_get_local_storage(&cgroup_store, 0);
  __sync_fetch_and_add(v, 1);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
