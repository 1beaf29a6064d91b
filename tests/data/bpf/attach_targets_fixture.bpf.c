// For tests/agent/attach_targets_test.cpp: attach targets the kernel's BTF has and lacks.
// Nothing here is loaded; only the sections matter.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fentry/do_unlinkat")
int BPF_PROG(present, int dfd) { return 0; }

SEC("fexit/vmtest_no_such_function")
int BPF_PROG(missing, int dfd) { return 0; }

SEC("fentry/vmtest_some_module:some_function")  // a module's function: no guess
int BPF_PROG(in_module, int dfd) { return 0; }

SEC("kprobe/vmtest_no_such_function")  // not a BTF attach target: no guess
int kprobe_missing(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
