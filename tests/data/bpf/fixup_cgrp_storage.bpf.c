// BPF_MAP_TYPE_CGRP_STORAGE (6.2+) must keep max_entries 0 like the other local storages.
// On kernels without the map type the object is rejected at map creation, as with veristat.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
  __uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} cgrp_store SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(tp_cgrp_storage, struct pt_regs *regs, long id) {
  struct task_struct *task = bpf_get_current_task_btf();
  __u64 *v = bpf_cgrp_storage_get(&cgrp_store, task->cgroups->dfl_cgrp, 0,
                                  BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (v) *v += 1;
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
