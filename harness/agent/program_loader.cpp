// SPDX-License-Identifier: BSD-2-Clause
#include "agent/program_loader.h"

#include "agent/attach_targets.h"
#include "agent/fixups.h"
#include "agent/global_presets.h"
#include "agent/log_capture.h"
#include "verifier/log_tail.h"
#include "verifier/verifier_stats.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace vmtest {
namespace {

// Stats-only logs are a few lines; a first load at level 1 (no BPF_LOG_STATS) that overflows
// this is loaded again with a growing buffer.
constexpr size_t kFirstLogSize = 64 * 1024;

// Stats-only logging is cheap and enough for accepted programs. Kernels without
// BPF_LOG_STATS print the summary at level 1 anyway.
unsigned first_log_level(const LoadOptions& opts) {
  return opts.log_stats ? 4 : 1;
}

std::string libbpf_error_text(int err) {
  char buf[256];
  libbpf_strerror(err, buf, sizeof buf);
  return buf;
}

ObjectPtr open_object(const std::string& path, std::string& error,
                      const std::vector<GlobalSetting>& globals = {}) {
  take_libbpf_messages();
  // No BPF token: the agent runs as root, and trying to derive one from bpffs costs a failed
  // syscall in every load.
  LIBBPF_OPTS(bpf_object_open_opts, open_opts, .bpf_token_path = "");
  bpf_object* obj = bpf_object__open_file(path.c_str(), &open_opts);
  if (!obj) {
    int err = errno;
    std::string msgs = take_libbpf_messages();
    error = "cannot open BPF object: " + libbpf_error_text(-err);
    if (!msgs.empty()) error += "\n" + msgs;
    return nullptr;
  }
  if (std::string e = apply_globals(obj, globals); !e.empty()) {
    bpf_object__close(obj);
    error = "preset: " + e;
    return nullptr;
  }
  return ObjectPtr(obj);
}

std::string log_text(const std::vector<char>& buf) {
  return std::string(buf.data(), strnlen(buf.data(), buf.size()));
}

// Maps a load takes over from an object of the same file that is already loaded, by name,
// instead of creating them again (see live_maps).
using SharedMaps = std::map<std::string, int>;

struct Attempt {
  int err = 0; // 0 or negative errno of bpf_object__load
  std::string log;
  bool buffer_full = false;
  std::string libbpf_messages;
  ObjectPtr obj;
};

// One isolated load: only `prog_name` is autoloaded.
Attempt attempt_load(const std::string& path, const std::string& prog_name, unsigned level,
                     size_t log_size, const SharedMaps& shared, const LoadOptions& opts) {
  const std::vector<GlobalSetting>& globals = opts.globals;
  Attempt a;
  std::string open_error;
  a.obj = open_object(path, open_error, globals);
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
  bpf_map* map;
  bpf_object__for_each_map(map, a.obj.get()) {
    auto it = shared.find(bpf_map__name(map));
    // Should taking it over fail, libbpf simply creates the map.
    if (it != shared.end()) bpf_map__reuse_fd(map, it->second);
  }
  if (opts.on_load) opts.on_load({{prog_name}, level, level != 0 ? log_size : 0});
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
    a.log = log_text(buf);
    a.buffer_full = a.log.size() + 1 >= buf.size();
  }
  return a;
}

// Sizes and verified_insns of a loaded program; returns the ids of the maps it uses.
std::vector<uint32_t> fill_info(int fd, ProgramResult& out) {
  std::vector<uint32_t> map_ids(64); // the kernel's limit of maps per program
  bpf_prog_info info{};
  info.nr_map_ids = static_cast<__u32>(map_ids.size());
  info.map_ids = reinterpret_cast<__u64>(map_ids.data());
  __u32 len = sizeof info;
  if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) return {};
  out.metrics[Metric::XlatedSize] = info.xlated_prog_len;
  if (info.jited_prog_len) out.metrics[Metric::JitedSize] = info.jited_prog_len;
  // verified_insns arrived in 5.16; older kernels leave the field short or zero.
  if (len >= offsetof(bpf_prog_info, verified_insns) + sizeof(info.verified_insns) &&
      info.verified_insns)
    out.metrics[Metric::VerifiedInsns] = info.verified_insns;
  // The kernel gives the full count even when it is more than the buffer holds.
  out.metrics[Metric::MapsUsed] = info.nr_map_ids;
  map_ids.resize(std::min<size_t>(info.nr_map_ids, map_ids.size()));
  return map_ids;
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
    if (line.rfind("libbpf:", 0) != 0) continue; // verifier log lines echoed by libbpf
    if (!out.empty()) out += "\n";
    out += line;
  }
  return out;
}

void record_log(const std::string& log, unsigned level, const LoadOptions& opts,
                ProgramResult& out) {
  out.log_level = static_cast<int>(level);
  out.log_bytes = log.size();
  out.log_tail = log_tail(log, opts.log_tail_lines);
  if (out.log_truncated == LogTruncation::Tail)
    out.log_tail.push_back("[vmtest: log exceeded " + std::to_string(opts.max_log_size) +
                           " bytes; the kernel kept only its head]");
  apply_verifier_stats(parse_verifier_stats(log), out);
}

// The trace of a rejection is what explains it, and only the verifier writes one. A first load
// that left the log empty (libbpf refused the program, or the kernel refused it before
// verifying) or in which the verifier processed no instruction already holds every line a
// level-1 load would print, so loading again would only cost time.
bool trace_adds_nothing(const std::string& first_log) {
  if (first_log.empty()) return true;
  auto stats = parse_verifier_stats(first_log);
  return stats.metrics[Metric::InsnsProcessed] && *stats.metrics[Metric::InsnsProcessed] == 0;
}

// What the baseline recorded for a program, or null.
const ProgramExpectation* expectation(const LoadOptions& opts, const std::string& name) {
  auto it = opts.expected.find(name);
  return it == opts.expected.end() ? nullptr : &it->second;
}

bool expected_rejected(const LoadOptions& opts, const std::string& name) {
  const ProgramExpectation* e = expectation(opts, name);
  return e && e->verdict == Verdict::Rejected;
}

uint64_t insns_of(const Metrics& m) {
  return m[Metric::InsnsProcessed].value_or(0);
}

// The first load of a program as a whole-object load already made it: the program it failed
// on, at the first log level, with its own log buffer.
struct FirstLoad {
  int err = 0;
  std::string log;
};

LoadedProgram load_alone(const std::string& path, const ProgramInfo& info, const LoadOptions& opts,
                         ProgramResult& out, const FirstLoad* known, const SharedMaps& shared,
                         bool use_hint = true);

// Every program of `members` (indices into the listing) loaded together in one object.
struct Batch {
  ObjectPtr obj;
  int err = 0;
  std::string libbpf_messages;
  std::vector<std::vector<char>> logs; // one buffer per member
  std::vector<bpf_program*> progs;
};

// `opened`, when given, is the object freshly opened and never loaded.
Batch load_together(const std::string& path, const std::vector<ProgramInfo>& programs,
                    const std::vector<size_t>& members, const LoadOptions& opts, ObjectPtr opened) {
  Batch b;
  std::string open_error;
  b.obj = opened ? std::move(opened) : open_object(path, open_error, opts.globals);
  if (!b.obj) {
    b.err = -EINVAL;
    b.libbpf_messages = open_error;
    return b;
  }
  bpf_program* p;
  bpf_object__for_each_program(p, b.obj.get()) bpf_program__set_autoload(p, false);
  b.logs.resize(members.size());
  for (size_t m = 0; m < members.size(); ++m) {
    p = bpf_object__find_program_by_name(b.obj.get(), programs[members[m]].name.c_str());
    if (!p) {
      b.err = -ENOENT;
      return b;
    }
    bpf_program__set_autoload(p, true);
    b.logs[m].assign(kFirstLogSize, 0);
    bpf_program__set_log_buf(p, b.logs[m].data(), b.logs[m].size());
    bpf_program__set_log_level(p, first_log_level(opts));
    b.progs.push_back(p);
  }
  apply_fixups(b.obj.get(), nullptr);
  if (opts.on_load) {
    LoadOptions::Attempt seen{{}, first_log_level(opts), kFirstLogSize};
    for (size_t m : members)
      seen.programs.push_back(programs[m].name);
    opts.on_load(seen);
  }
  take_libbpf_messages();
  b.err = bpf_object__load(b.obj.get());
  b.libbpf_messages = take_libbpf_messages();
  return b;
}

// libbpf stops at the first program that fails and names it ("prog 'x': failed to load: -13").
// A failure before any program is loaded (a map, an extern, BTF) names none.
std::optional<size_t> failed_member(const Batch& b, const std::vector<ProgramInfo>& programs,
                                    const std::vector<size_t>& members) {
  for (size_t m = 0; m < members.size(); ++m) {
    std::string needle = "prog '" + programs[members[m]].name + "': failed to load";
    if (b.libbpf_messages.find(needle) != std::string::npos) return m;
  }
  return std::nullopt;
}

// The maps of a loaded object. Creating maps is most of what a load costs beyond the
// verifier: libbpf-tools' hash maps preallocate 10240 or more entries, and under TCG that is
// milliseconds per map, up to half a second for the largest. Isolated loads of the same object
// take them over (bpf_map__reuse_fd) instead of creating them again. The verifier sees only a
// map's type, sizes, flags, BTF and, for frozen read-only data, its contents, and all of these
// come from the same object with the same fixups, so nothing it decides changes. What an
// isolated load must not inherit is state:
//   - contents a test run may have written: callers leave out the maps such runs touched;
//   - maps that bind the programs using them: a program array takes the type of its first
//     user, and cgroup storage belonged to one program on older kernels;
//   - maps libbpf fills only when it creates them: maps of maps, struct_ops.
struct LiveMap {
  std::string name;
  int fd = -1;
  uint32_t id = 0;
  bool writable = false; // by BPF programs: all but read-only data (.rodata, .kconfig)
  bool shareable = false;
};

bool shareable_type(bpf_map_type type) {
  switch (type) {
  case BPF_MAP_TYPE_PROG_ARRAY:
  case BPF_MAP_TYPE_CGROUP_STORAGE:
  case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
  case BPF_MAP_TYPE_ARRAY_OF_MAPS:
  case BPF_MAP_TYPE_HASH_OF_MAPS:
  case BPF_MAP_TYPE_STRUCT_OPS:
    return false;
  default:
    return true;
  }
}

std::vector<LiveMap> live_maps(bpf_object* obj) {
  std::vector<LiveMap> out;
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    int fd = bpf_map__fd(map);
    bpf_map_info info{};
    __u32 len = sizeof info;
    if (fd < 0 || bpf_map_get_info_by_fd(fd, &info, &len) != 0) continue;
    out.push_back({bpf_map__name(map), fd, info.id, !(bpf_map__map_flags(map) & BPF_F_RDONLY_PROG),
                   shareable_type(bpf_map__type(map))});
  }
  return out;
}

// The live maps an isolated load may take over: shareable ones no test run has touched.
SharedMaps untouched(const std::vector<LiveMap>& maps, const std::set<uint32_t>& touched) {
  SharedMaps out;
  for (const LiveMap& m : maps)
    if (m.shareable && !touched.count(m.id)) out.emplace(m.name, m.fd);
  return out;
}

ProgramResult start_result(const ProgramInfo& info) {
  ProgramResult out;
  out.name = info.name;
  out.section = info.section;
  out.prog_type = info.prog_type;
  out.helper_ids = info.helper_ids;
  return out;
}

// Records a batch that loaded whole and runs its programs' test cases. Returns the ids of the
// maps those runs may have written.
std::set<uint32_t> finish_together(Batch& b, const std::string& path,
                                   const std::vector<ProgramInfo>& programs,
                                   const std::vector<size_t>& members, const LoadOptions& opts,
                                   const std::vector<LiveMap>& maps, const TestRunner& run_tests,
                                   std::vector<ProgramResult>& out) {
  std::vector<std::vector<uint32_t>> used(members.size());
  for (size_t m = 0; m < members.size(); ++m) {
    ProgramResult& r = out[members[m]];
    record_log(log_text(b.logs[m]), first_log_level(opts), opts, r);
    r.verdict = Verdict::Accepted;
    used[m] = fill_info(bpf_program__fd(b.progs[m]), r);
  }
  // In an isolated load every program's test runs start from freshly created maps. Here the
  // maps are shared, so a program whose writable maps an earlier test run may have changed
  // is loaded on its own again for its runs.
  std::set<uint32_t> writable;
  for (const LiveMap& m : maps)
    if (m.writable) writable.insert(m.id);
  std::set<uint32_t> touched;
  for (size_t m = 0; m < members.size(); ++m) {
    size_t i = members[m];
    std::vector<uint32_t> mine;
    for (uint32_t id : used[m])
      if (writable.count(id)) mine.push_back(id);
    bool clean =
        std::none_of(mine.begin(), mine.end(), [&](uint32_t id) { return touched.count(id) > 0; });
    if (clean) {
      if (run_tests(i, bpf_program__fd(b.progs[m]), out[i]))
        touched.insert(mine.begin(), mine.end());
      continue;
    }
    ProgramResult fresh = start_result(programs[i]);
    LoadedProgram alone =
        load_alone(path, programs[i], opts, fresh, nullptr, untouched(maps, touched));
    out[i] = std::move(fresh);
    // Its runs write the maps it took over from the batch as well.
    if (alone.fd() >= 0 && run_tests(i, alone.fd(), out[i]))
      touched.insert(mine.begin(), mine.end());
  }
  return touched;
}

} // namespace

void ObjectCloser::operator()(bpf_object* obj) const {
  bpf_object__close(obj);
}

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
  listing.object = open_object(path, listing.error);
  bpf_object* obj = listing.object.get();
  if (!obj) return listing;
  bpf_program* p;
  bpf_object__for_each_program(p, obj) {
    auto guess = guess_freplace_type(obj, p);
    const char* type = libbpf_bpf_prog_type_str(guess ? guess->prog_type : bpf_program__type(p));
    listing.programs.push_back({bpf_program__name(p), bpf_program__section_name(p),
                                type ? type : "unknown", called_helpers(p),
                                attach_target_missing(p)});
  }
  return listing;
}

LoadedProgram load_program(const std::string& path, const ProgramInfo& info,
                           const LoadOptions& opts, ProgramResult& out) {
  return load_alone(path, info, opts, out, nullptr, {});
}

namespace {

LoadedProgram load_alone(const std::string& path, const ProgramInfo& info, const LoadOptions& opts,
                         ProgramResult& out, const FirstLoad* known, const SharedMaps& shared,
                         bool use_hint) {
  out.name = info.name;
  out.section = info.section;
  out.prog_type = info.prog_type;
  out.helper_ids = info.helper_ids;
  out.log_truncated = LogTruncation::None;

  const unsigned first_level = first_log_level(opts);
  unsigned level = first_level;
  size_t size = kFirstLogSize;
  Attempt a;
  bool need_trace;
  // Whether `a` is this program's own first load, rejected: its errno and libbpf's words are
  // the verdict a trace that overflowed cannot give.
  bool first_rejected = false;
  // The instructions the verifier processed, to size the trace's buffer.
  uint64_t insns = 0;
  const ProgramExpectation* hint = use_hint ? expectation(opts, info.name) : nullptr;
  const bool predicted = !known && first_level != 1 && hint && hint->verdict == Verdict::Rejected;
  if (predicted) {
    // The baseline saw it rejected: its first load would be followed by the trace anyway.
    need_trace = true;
    insns = insns_of(hint->metrics);
  } else if (known && first_level != 1 && known->err != 0 && known->err != -ENOSPC &&
             !trace_adds_nothing(known->log)) {
    // The verifier rejected it in the whole-object load: that was this first load, so go
    // straight to the trace.
    need_trace = true;
    insns = insns_of(parse_verifier_stats(known->log).metrics);
  } else {
    a = attempt_load(path, info.name, first_level, kFirstLogSize, shared, opts);
    // A rejected program needs the trace that explains the rejection: reload at level 1
    // (plus stats where supported) and grow the buffer until the log fits.
    bool overflowed = a.err == -ENOSPC && a.buffer_full;
    need_trace = a.err != 0 && (overflowed || (first_level != 1 && !trace_adds_nothing(a.log)));
    first_rejected = a.err != 0 && !overflowed;
    if (!overflowed) insns = insns_of(parse_verifier_stats(a.log).metrics);
  }
  if (need_trace) {
    level = opts.log_stats ? (1 | 4) : 1;
    // A rotating kernel keeps the tail of the first buffer however long the log is, so only
    // a kernel that keeps the head has steps of the ladder to skip.
    size = opts.log_rotating ? opts.initial_log_size : first_log_buffer(insns, 1, opts);
    for (;;) {
      Attempt t = attempt_load(path, info.name, level, size, shared, opts);
      bool overflow = t.err == -ENOSPC && t.buffer_full;
      if (!overflow) {
        a = std::move(t);
        break;
      }
      if (opts.log_rotating) {
        // The kernel kept the tail; the load itself only failed because of the log. The
        // verdict is the first load's, made at the stats-only level: reuse it when this
        // program made it alone, else load once more at that level.
        std::string tail_log = std::move(t.log);
        if (!first_rejected)
          a = attempt_load(path, info.name, opts.log_stats ? 4 : 0, kFirstLogSize, shared, opts);
        if (a.err == -ENOSPC && a.buffer_full) a.err = -E2BIG; // cannot happen at level 4
        a.log = std::move(tail_log);
        out.log_truncated = LogTruncation::Head;
        break;
      }
      if (size >= opts.max_log_size) {
        Attempt v =
            attempt_load(path, info.name, opts.log_stats ? 4 : 0, kFirstLogSize, shared, opts);
        std::string head_log = std::move(t.log);
        std::string stats_log = v.log;
        a = std::move(v);
        a.log = head_log + "\n" + stats_log;
        out.log_truncated = LogTruncation::Tail;
        break;
      }
      size *= 4;
    }
    // A hint that was wrong (accepted now) or of no use (the first load would have logged all
    // the trace did): load as if there were none, so the result is what it would have been.
    if (predicted && (a.err == 0 || trace_adds_nothing(a.log)))
      return load_alone(path, info, opts, out, nullptr, shared, false);
  }

  record_log(a.log, level, opts, out);

  if (a.err == 0) {
    out.verdict = Verdict::Accepted;
    bpf_program* p = bpf_object__find_program_by_name(a.obj.get(), info.name.c_str());
    int fd = p ? bpf_program__fd(p) : -1;
    if (fd >= 0) fill_info(fd, out);
    return LoadedProgram(a.obj.release(), fd);
  }
  out.verdict = Verdict::Rejected;
  out.err = -a.err;
  if (opts.keep_rejected_log) {
    // The trace (level 1, with stats where the kernel has them), or the first load's log when
    // a trace would add nothing to it (see trace_adds_nothing); empty when the kernel printed
    // nothing. Either way, loading again would not print more.
    out.full_log.level = static_cast<int>((level & 3) ? (level & 3) : level);
    out.full_log.text = a.log;
    out.full_log.capped = out.log_truncated != LogTruncation::None;
  }
  out.error = summarise_libbpf(a.libbpf_messages);
  if (out.error.empty()) out.error = libbpf_error_text(a.err);
  // libbpf can refuse before the kernel sees the program (a kfunc missing from the kernel's
  // BTF, a failed CO-RE relocation). Then its words are the only log there is, and they are
  // what a reviewer needs in the tail.
  if (out.log_tail.empty()) out.log_tail = log_tail(out.error, opts.log_tail_lines);
  return {};
}

} // namespace

size_t first_log_buffer(uint64_t insns, unsigned level, const LoadOptions& opts) {
  // What a log prints per processed instruction, on the generous side of what was measured:
  // level 1 traces of a 16k-insn program ran 150 bytes per instruction on 4.18 to 6.1;
  // level 2 adds every state. Too high costs a larger buffer, too low one load more.
  const uint64_t per_insn = level >= 2 ? 512 : 192;
  size_t size = opts.initial_log_size;
  while (size < opts.max_log_size && insns > size / per_insn)
    size *= 4;
  return size;
}

CapturedLog capture_log(const std::string& path, const ProgramInfo& info, unsigned level,
                        const LoadOptions& opts, uint64_t insns) {
  CapturedLog out;
  for (size_t size = first_log_buffer(insns, level & 3, opts);; size *= 4) {
    Attempt t = attempt_load(path, info.name, level, size, {}, opts);
    const bool overflow = t.err == -ENOSPC && t.buffer_full;
    // A rotating kernel keeps the tail, where the verdict is; a larger buffer would hold more.
    if (!overflow || size >= opts.max_log_size) {
      out.text = std::move(t.log);
      out.capped = overflow;
      return out;
    }
  }
}

std::vector<ProgramResult> load_object(const std::string& path, ObjectListing& listing,
                                       const LoadOptions& opts, const TestRunner& run_tests) {
  const std::vector<ProgramInfo>& programs = listing.programs;
  ObjectPtr opened = std::move(listing.object);
  // The listing opened it without the preset; a failure here shows again in every load.
  if (opened && !apply_globals(opened.get(), opts.globals).empty()) opened.reset();
  std::vector<ProgramResult> out;
  for (const auto& info : programs)
    out.push_back(start_result(info));
  std::vector<size_t> together, alone;
  for (size_t i = 0; i < programs.size(); ++i)
    (opts.isolated || programs[i].attach_target_missing || expected_rejected(opts, programs[i].name)
         ? alone
         : together)
        .push_back(i);
  std::map<size_t, FirstLoad> known; // first loads whole-object loads already made
  // The whole-object load that succeeded stays loaded until the isolated loads are done, so
  // they can take over its maps.
  Batch loaded;
  SharedMaps shared;

  // Each round either loads the whole rest or takes out the program that failed; a lone
  // program left over is simply an isolated load.
  while (together.size() >= 2) {
    Batch b = load_together(path, programs, together, opts, std::move(opened));
    if (b.err == 0) {
      std::vector<LiveMap> maps = live_maps(b.obj.get());
      std::set<uint32_t> touched =
          finish_together(b, path, programs, together, opts, maps, run_tests, out);
      shared = untouched(maps, touched);
      loaded = std::move(b);
      together.clear();
      break;
    }
    auto failed = failed_member(b, programs, together);
    if (!failed) break; // nothing to blame: every remaining program goes on its own
    known[together[*failed]] = FirstLoad{b.err, log_text(b.logs[*failed])};
    alone.push_back(together[*failed]);
    together.erase(together.begin() + static_cast<std::ptrdiff_t>(*failed));
  }
  alone.insert(alone.end(), together.begin(), together.end());
  std::sort(alone.begin(), alone.end());
  for (size_t i : alone) {
    auto k = known.find(i);
    LoadedProgram alone = load_alone(path, programs[i], opts, out[i],
                                     k == known.end() ? nullptr : &k->second, shared);
    // A run that executed may have written maps it took over; later loads create their own.
    if (alone.fd() >= 0 && run_tests(i, alone.fd(), out[i])) shared.clear();
  }
  return out;
}

} // namespace vmtest
