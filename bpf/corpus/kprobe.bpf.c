// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* kprobe on do_unlinkat: the classic tracing program type. It has no BPF_PROG_TEST_RUN on
 * any kernel, so the harness must record "not runnable" rather than an error. Reads the
 * second argument with CO-RE so the struct layout is the running kernel's.
 * Expected: accepted on 5.10, 6.1 and 6.12. test_run: not runnable. */
#define CORPUS_CO_RE /* reads kernel-internal structs */
#include "corpus.h"

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);
  __type(value, __u64);
} unlinks_by_tgid SEC(".maps");

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(kprobe_unlinkat, int dfd, struct filename* name) {
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  __u64 one = 1, *v;
  const char* path = BPF_CORE_READ(name, name);
  char first = 0;

  bpf_probe_read_kernel(&first, 1, path);
  if (first == 0) return 0;
  v = bpf_map_lookup_elem(&unlinks_by_tgid, &tgid);
  if (v)
    __sync_fetch_and_add(v, 1);
  else
    bpf_map_update_elem(&unlinks_by_tgid, &tgid, &one, BPF_NOEXIST);
  return 0;
}
