// SPDX-License-Identifier: BSD-2-Clause
#include "agent/features.h"

#include "verifier/log_lines.h"

#include <bpf/bpf.h>
#include <cerrno>
#include <cstring>
#include <linux/bpf.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace vmtest {
namespace {

// r0 = 0 repeated, then exit: enough instructions that a level-1 log overflows a tiny buffer.
std::vector<bpf_insn> trivial_program(int movs) {
  std::vector<bpf_insn> insns;
  for (int i = 0; i < movs; ++i) {
    bpf_insn mov{};
    mov.code = BPF_ALU64 | BPF_MOV | BPF_K;
    mov.dst_reg = BPF_REG_0;
    mov.imm = 0;
    insns.push_back(mov);
  }
  bpf_insn ex{};
  ex.code = BPF_JMP | BPF_EXIT;
  insns.push_back(ex);
  return insns;
}

int load(const std::vector<bpf_insn>& insns, unsigned level, char* buf, unsigned size) {
  LIBBPF_OPTS(bpf_prog_load_opts, opts);
  opts.log_level = level;
  opts.log_size = size;
  opts.log_buf = buf;
  int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "vmtest_probe", "GPL", insns.data(),
                         insns.size(), &opts);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  return -errno;
}

// "12: (b7) r0 = 0": a line of the instruction trace (levels 1 and 2).
bool is_trace_line(std::string_view line) {
  line = logscan::trim(line);
  size_t n = 0;
  while (n < line.size() && logscan::is_digit(line[n]))
    ++n;
  return n > 0 && n < line.size() && line[n] == ':';
}

} // namespace

bool is_stats_only_log(std::string_view log) {
  bool summary = false;
  for (auto line : logscan::split_lines(log)) {
    if (is_trace_line(line)) return false;
    summary |= logscan::trim(line).substr(0, 10) == "processed ";
  }
  return summary;
}

AgentFeatures probe_features() {
  AgentFeatures f;
  f.btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;

  std::vector<char> buf(4096, 0);
  auto small = trivial_program(1);
  f.log_stats = load(small, 4, buf.data(), buf.size()) == 0 &&
                is_stats_only_log(std::string_view(buf.data(), strnlen(buf.data(), buf.size())));

  // Overflow a tiny buffer: a rotating log (6.4+) ends with the final summary line, an old
  // fixed log ends in the middle of the instruction trace.
  auto longer = trivial_program(64);
  std::vector<char> tiny(160, 0);
  int err = load(longer, 1, tiny.data(), tiny.size());
  if (err == -ENOSPC) {
    std::string text(tiny.data(), strnlen(tiny.data(), tiny.size()));
    f.log_rotating = text.find("processed ") != std::string::npos;
  }
  return f;
}

} // namespace vmtest
