// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Counts exec() calls per process: a raw tracepoint whose task argument is read with CO-RE
 * (the task_struct layout differs between kernels; libbpf relocates the access). */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 10240);
  __type(key, pid_t);
  __type(value, __u64);
} execs SEC(".maps");

SEC("raw_tp/sched_process_exec")
int BPF_PROG(count_exec, struct task_struct* task) {
  pid_t tgid = BPF_CORE_READ(task, tgid);
  if (tgid <= 0) return 0;
  __u64 one = 1, *n = bpf_map_lookup_elem(&execs, &tgid);
  if (n)
    __sync_fetch_and_add(n, 1);
  else
    bpf_map_update_elem(&execs, &tgid, &one, BPF_NOEXIST);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
