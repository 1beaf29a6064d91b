// SPDX-License-Identifier: BSD-2-Clause
/* Shared by every corpus object: the usual headers and the uapi constants that vmlinux.h
 * cannot carry (it holds types, not #defines). Kept tiny on purpose: each .bpf.c should be
 * readable on its own. */
#pragma once
/* Networking programs only touch uapi structs (xdp_md, __sk_buff, packet headers) whose
 * layout is ABI, so they need no CO-RE. Without CO-RE relocations libbpf never parses the
 * kernel's BTF for them, which measured 30-190 ms per load under TCG against ~2 ms without.
 * A file that walks kernel-internal structs defines CORPUS_CO_RE before including this. */
#ifndef CORPUS_CO_RE
#define BPF_NO_PRESERVE_ACCESS_INDEX
#endif
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
/* IPPROTO_ICMPV6 is a #define in uapi, not part of the enum vmlinux.h carries. */
#define NEXTHDR_ICMPV6 58

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

#define CLOCK_MONOTONIC 1

char LICENSE[] SEC("license") = "GPL";
