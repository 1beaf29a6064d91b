/* The few kernel types these programs use, in the form `bpftool btf dump file
 * /sys/kernel/btf/vmlinux format c` prints them (a full dump is ~3 MB; libbpf-bootstrap
 * commits one, a small project can commit only what it needs). Structs the programs read
 * through CO-RE carry preserve_access_index, so libbpf relocates every field access to the
 * running kernel's layout: only the fields used have to be listed. */
#ifndef __VMLINUX_H__
#define __VMLINUX_H__

typedef unsigned char __u8;
typedef short unsigned int __u16;
typedef unsigned int __u32;
typedef long long unsigned int __u64;
typedef signed char __s8;
typedef short int __s16;
typedef int __s32;
typedef long long int __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };
typedef int pid_t;

enum bpf_map_type {
  BPF_MAP_TYPE_HASH = 1,
  BPF_MAP_TYPE_ARRAY = 2,
  BPF_MAP_TYPE_PERCPU_ARRAY = 6,
};

enum {
  BPF_ANY = 0,
  BPF_NOEXIST = 1,
  BPF_EXIST = 2,
};

enum xdp_action {
  XDP_ABORTED = 0,
  XDP_DROP = 1,
  XDP_PASS = 2,
  XDP_TX = 3,
  XDP_REDIRECT = 4,
};

/* uapi: ABI-stable, no CO-RE needed. */
struct xdp_md {
  __u32 data;
  __u32 data_end;
  __u32 data_meta;
  __u32 ingress_ifindex;
  __u32 rx_queue_index;
  __u32 egress_ifindex;
};

struct ethhdr {
  unsigned char h_dest[6];
  unsigned char h_source[6];
  __be16 h_proto;
};

struct iphdr {
  __u8 ihl : 4;
  __u8 version : 4;
  __u8 tos;
  __be16 tot_len;
  __be16 id;
  __be16 frag_off;
  __u8 ttl;
  __u8 protocol;
  __u16 check;
  __be32 saddr;
  __be32 daddr;
};

/* Kernel-internal: read through CO-RE only. */
struct task_struct {
  pid_t pid;
  pid_t tgid;
  char comm[16];
} __attribute__((preserve_access_index));

#endif /* __VMLINUX_H__ */
