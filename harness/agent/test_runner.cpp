// SPDX-License-Identifier: BSD-2-Clause
#include "agent/test_runner.h"

#include "results/hex.h"

#include <bpf/bpf.h>
#include <cerrno>
#include <span>
#include <vector>

namespace vmtest {
namespace {

constexpr int kENOTSUPP = 524; // kernel-internal errno that leaks out of test_run

bool takes_packet(const std::string& type) {
  return type == "xdp" || type == "sched_cls" || type == "sched_act" || type == "socket_filter" ||
         type == "cgroup_skb" || type == "flow_dissector" || type == "lwt_in" ||
         type == "lwt_out" || type == "lwt_xmit" || type == "lwt_seg6local" || type == "sk_skb";
}

// 14 Ethernet + 20 IPv4 + 20 TCP + 10 payload; IPv4 checksum precomputed.
const char* kDefaultPacket =
    "020000000002020000000001"                 // dst, src MAC
    "0800"                                     // IPv4
    "4500003c00014000400626b9"                 // ver/ihl, tos, len 60, id 1, DF, ttl 64, tcp, csum
    "0a0000010a000002"                         // 10.0.0.1 -> 10.0.0.2
    "04d2005000000001000000005002ffff00000000" // 1234 -> 80, SYN
    "00010203040506070809";

} // namespace

TestCase default_test_case(const std::string& program, const std::string& prog_type) {
  TestCase tc;
  tc.program = program;
  tc.name = "default";
  if (takes_packet(prog_type)) {
    tc.data_in_hex = kDefaultPacket;
  } else {
    // raw_tp, syscall and tracing test_run reject any repeat count but 0.
    tc.repeat = 0;
  }
  return tc;
}

TestRunResult run_test_case(int prog_fd, const TestCase& tc) {
  TestRunResult r;
  r.case_name = tc.name;
  r.expected_retval = tc.expect_retval;
  r.expected_data_out_hex = tc.expect_data_out_hex;
  auto data_in = parse_hex(tc.data_in_hex);
  auto ctx_in = parse_hex(tc.ctx_in_hex);
  if (!data_in.ok() || !ctx_in.ok()) {
    r.status = TestRunStatus::Error;
    r.err = EINVAL;
    return r;
  }
  // Room for programs that grow the packet (bpf_xdp_adjust_tail, skb_change_tail).
  std::vector<uint8_t> data_out(data_in->size() + 4096);
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  if (!data_in->empty()) {
    opts.data_in = data_in->data();
    opts.data_size_in = static_cast<__u32>(data_in->size());
    opts.data_out = data_out.data();
    opts.data_size_out = static_cast<__u32>(data_out.size());
  }
  if (!ctx_in->empty()) {
    opts.ctx_in = ctx_in->data();
    opts.ctx_size_in = static_cast<__u32>(ctx_in->size());
  }
  opts.repeat = static_cast<int>(tc.repeat);

  int rc = bpf_prog_test_run_opts(prog_fd, &opts);
  if (rc != 0) {
    int e = errno;
    bool runnable = e != kENOTSUPP && e != EOPNOTSUPP;
    // Kernels older than ctx_in (RHEL 8's 4.18) refuse the whole request with EINVAL before
    // they look at the program type. Asking once more without ctx tells "this kernel cannot
    // run this case" (ENOTSUPP, or a run) from "the input is wrong" (EINVAL again).
    if (e == EINVAL && !ctx_in->empty()) {
      LIBBPF_OPTS(bpf_test_run_opts, bare);
      bare.data_in = opts.data_in;
      bare.data_size_in = opts.data_size_in;
      bare.data_out = opts.data_out;
      bare.data_size_out = opts.data_size_out;
      bare.repeat = opts.repeat;
      if (bpf_prog_test_run_opts(prog_fd, &bare) == 0 || errno != EINVAL) runnable = false;
    }
    r.status = runnable ? TestRunStatus::Error : TestRunStatus::NotRunnable;
    r.err = e;
    // An expectation fails only where the kernel can run the case; not_runnable is an
    // outcome of its own, recorded (and gated) as such.
    if (tc.expect_retval && runnable) r.expectation_failed = true;
    return r;
  }
  r.status = TestRunStatus::Ok;
  r.retval = opts.retval;
  r.duration_ns = opts.duration;
  if (!data_in->empty())
    r.data_out_hex = to_hex(std::span<const uint8_t>(data_out.data(), opts.data_size_out));
  if (tc.expect_retval && *tc.expect_retval != opts.retval) r.expectation_failed = true;
  if (tc.expect_data_out_hex) {
    auto want = parse_hex(*tc.expect_data_out_hex);
    if (!want.ok() || to_hex(*want) != r.data_out_hex) r.expectation_failed = true;
  }
  return r;
}

} // namespace vmtest
