// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* fentry/fexit (5.5): BTF-typed trampolines on do_unlinkat, which exists with BTF on every
 * kernel in the matrix (its return type changed from long to int in 5.x; fexit reads it as
 * long, which is safe either way since the value is only counted). Loading resolves the
 * attach target in the running kernel's BTF; nothing is attached.
 * Expected: accepted on 5.10, 6.1 and 6.12 (measured under qemu). Some hosts refuse every
 * trampoline program with EPERM before the verifier runs (this project's sandbox 6.18 does);
 * that is the host's policy, not a verdict on the program. test_run: not meaningful for fentry (it would
 * run the kernel's bpf_fentry_test* functions, not do_unlinkat), so no cases. */
#define CORPUS_CO_RE /* reads kernel-internal structs */
#include "corpus.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, __u64);
} stats SEC(".maps"); /* [0] = calls, [1] = failures */

SEC("fentry/do_unlinkat")
int BPF_PROG(fentry_unlinkat, int dfd, struct filename* name) {
  __u32 k = 0;
  __u64* v = bpf_map_lookup_elem(&stats, &k);
  if (v) __sync_fetch_and_add(v, 1);
  return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(fexit_unlinkat, int dfd, struct filename* name, long ret) {
  __u32 k = 1;
  __u64* v;
  if ((int)ret == 0) return 0;
  v = bpf_map_lookup_elem(&stats, &k);
  if (v) __sync_fetch_and_add(v, 1);
  return 0;
}
