#include "agent/program_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "agent/fixups.h"
#include "agent/log_capture.h"
#include "verifier/log_tail.h"
#include "verifier/verifier_stats.h"

namespace vmtest {
namespace {

struct ObjectCloser {
  void operator()(bpf_object* o) const { bpf_object__close(o); }
};
using ObjectPtr = std::unique_ptr<bpf_object, ObjectCloser>;

std::string libbpf_error_text(int err) {
  char buf[256];
  libbpf_strerror(err, buf, sizeof buf);
  return buf;
}

ObjectPtr open_object(const std::string& path, std::string& error) {
  take_libbpf_messages();
  bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
  if (!obj) {
    int err = errno;
    std::string msgs = take_libbpf_messages();
    error = "cannot open BPF object: " + libbpf_error_text(-err);
    if (!msgs.empty()) error += "\n" + msgs;
    return nullptr;
  }
  return ObjectPtr(obj);
}

struct Attempt {
  int err = 0;  // 0 or negative errno of bpf_object__load
  std::string log;
  bool buffer_full = false;
  std::string libbpf_messages;
  ObjectPtr obj;
};

Attempt attempt_load(const std::string& path, const std::string& prog_name, unsigned level,
                     size_t log_size) {
  Attempt a;
  std::string open_error;
  a.obj = open_object(path, open_error);
  if (!a.obj) {
    a.err = -EINVAL;
    a.libbpf_messages = open_error;
    return a;
  }
  bpf_program* target = nullptr;
  bpf_program* p;
  bpf_object__for_each_program(p, a.obj.get()) {
    bool me = prog_name == bpf_program__name(p);
    bpf_program__set_autoload(p, me);
    if (me) target = p;
  }
  if (!target) {
    a.err = -ENOENT;
    a.libbpf_messages = "program disappeared between listing and loading";
    return a;
  }
  apply_fixups(a.obj.get(), target);
  std::vector<char> buf;
  if (level != 0) {
    buf.assign(log_size, 0);
    bpf_program__set_log_buf(target, buf.data(), buf.size());
    bpf_program__set_log_level(target, level);
  }
  take_libbpf_messages();
  a.err = bpf_object__load(a.obj.get());
  a.libbpf_messages = take_libbpf_messages();
  if (!buf.empty()) {
    size_t n = strnlen(buf.data(), buf.size());
    a.log.assign(buf.data(), n);
    a.buffer_full = n + 1 >= buf.size();
  }
  return a;
}

void fill_info(int fd, ProgramResult& out) {
  bpf_prog_info info{};
  __u32 len = sizeof info;
  if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) return;
  out.xlated_size = info.xlated_prog_len;
  if (info.jited_prog_len) out.jited_size = info.jited_prog_len;
  // verified_insns arrived in 5.16; older kernels leave the field short or zero.
  if (len >= offsetof(bpf_prog_info, verified_insns) + sizeof(info.verified_insns) &&
      info.verified_insns)
    out.verified_insns = info.verified_insns;
}


// Keeps libbpf's explanation short: the verifier log is recorded separately.
std::string summarise_libbpf(const std::string& msgs) {
  std::string out;
  size_t start = 0;
  while (start < msgs.size()) {
    size_t end = msgs.find('\n', start);
    if (end == std::string::npos) end = msgs.size();
    std::string line = msgs.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.find("-- BEGIN PROG LOAD LOG --") != std::string::npos) continue;
    if (line.find("-- END PROG LOAD LOG --") != std::string::npos) continue;
    if (line.rfind("libbpf:", 0) != 0) continue;  // verifier log lines echoed by libbpf
    if (!out.empty()) out += "\n";
    out += line;
  }
  return out;
}

}  // namespace

LoadedProgram& LoadedProgram::operator=(LoadedProgram&& o) noexcept {
  if (this != &o) {
    if (obj_) bpf_object__close(obj_);
    obj_ = o.obj_;
    fd_ = o.fd_;
    o.obj_ = nullptr;
  }
  return *this;
}

LoadedProgram::~LoadedProgram() {
  if (obj_) bpf_object__close(obj_);
}

// Helper calls are `call imm` with src_reg 0 (1 is a subprogram call, 2 a kfunc). Read before
// libbpf appends subprograms, so helpers called only from a callback are not seen; the main
// body is where bpf_loop & co. are called, which is what rejection explanations need.
static std::vector<int32_t> called_helpers(const bpf_program* p) {
  std::vector<int32_t> ids;
  const bpf_insn* insns = bpf_program__insns(p);
  for (size_t i = 0; insns && i < bpf_program__insn_cnt(p); ++i)
    if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg == 0) ids.push_back(insns[i].imm);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

ObjectListing list_programs(const std::string& path) {
  ObjectListing listing;
  ObjectPtr obj = open_object(path, listing.error);
  if (!obj) return listing;
  bpf_program* p;
  bpf_object__for_each_program(p, obj.get()) {
    auto guess = guess_freplace_type(obj.get(), p);
    const char* type = libbpf_bpf_prog_type_str(guess ? guess->prog_type : bpf_program__type(p));
    listing.programs.push_back({bpf_program__name(p), bpf_program__section_name(p),
                                type ? type : "unknown", called_helpers(p)});
  }
  return listing;
}

LoadedProgram load_program(const std::string& path, const ProgramInfo& info,
                           const LoadOptions& opts, ProgramResult& out) {
  out.name = info.name;
  out.section = info.section;
  out.prog_type = info.prog_type;
  out.helper_ids = info.helper_ids;

  // Stats-only logging is cheap and enough for accepted programs. Kernels without
  // BPF_LOG_STATS print the summary at level 1 anyway.
  const unsigned first_level = opts.log_stats ? 4 : 1;
  Attempt a = attempt_load(path, info.name, first_level, 64 * 1024);
  unsigned level = first_level;
  size_t size = 64 * 1024;

  // A rejected program needs the trace that explains the rejection: reload at level 1
  // (plus stats where supported) and grow the buffer until the log fits.
  bool overflowed = a.err == -ENOSPC && a.buffer_full;
  bool need_trace = a.err != 0 && (first_level != 1 || overflowed);
  if (need_trace) {
    level = opts.log_stats ? (1 | 4) : 1;
    size = opts.initial_log_size;
    for (;;) {
      Attempt t = attempt_load(path, info.name, level, size);
      bool overflow = t.err == -ENOSPC && t.buffer_full;
      if (!overflow) {
        a = std::move(t);
        break;
      }
      if (opts.log_rotating) {
        // The kernel kept the tail; the load itself only failed because of the log, so
        // take the verdict from a stats-only load and keep this tail.
        Attempt v = attempt_load(path, info.name, opts.log_stats ? 4 : 0, 64 * 1024);
        std::string tail_log = std::move(t.log);
        a = std::move(v);
        if (a.err == -ENOSPC && a.buffer_full) a.err = -E2BIG;  // cannot happen at level 4
        a.log = std::move(tail_log);
        out.log_truncated = "head";
        break;
      }
      if (size >= opts.max_log_size) {
        Attempt v = attempt_load(path, info.name, opts.log_stats ? 4 : 0, 64 * 1024);
        std::string head_log = std::move(t.log);
        std::string stats_log = v.log;
        a = std::move(v);
        a.log = head_log + "\n" + stats_log;
        out.log_truncated = "tail";
        break;
      }
      size *= 4;
    }
  }

  out.log_level = static_cast<int>(level);
  out.log_bytes = a.log.size();
  out.log_tail = log_tail(a.log, opts.log_tail_lines);
  if (out.log_truncated == "tail")
    out.log_tail.push_back("[vmtest: log exceeded " + std::to_string(opts.max_log_size) +
                           " bytes; the kernel kept only its head]");
  apply_verifier_stats(parse_verifier_stats(a.log), out);

  if (a.err == 0) {
    out.verdict = "accepted";
    bpf_program* p = bpf_object__find_program_by_name(a.obj.get(), info.name.c_str());
    int fd = p ? bpf_program__fd(p) : -1;
    if (fd >= 0) fill_info(fd, out);
    return LoadedProgram(a.obj.release(), fd);
  }
  out.verdict = "rejected";
  out.err = -a.err;
  out.error = summarise_libbpf(a.libbpf_messages);
  if (out.error.empty()) out.error = libbpf_error_text(a.err);
  // libbpf can refuse before the kernel sees the program (a kfunc missing from the kernel's
  // BTF, a failed CO-RE relocation). Then its words are the only log there is, and they are
  // what a reviewer needs in the tail.
  if (out.log_tail.empty()) out.log_tail = log_tail(out.error, opts.log_tail_lines);
  return {};
}

}  // namespace vmtest
