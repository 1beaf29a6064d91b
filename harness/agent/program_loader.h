// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Loads the programs of an object and records, for each one, what loading it on its own would
// give: verdict, errno, verifier stats and log tail. "On its own" is veristat's way: reopen the
// object, autoload only that program, load, close. That is also the slow way: every load
// creates all of the object's maps again and runs libbpf's relocations again, so by default an
// object is first loaded whole, and programs are loaded on their own only when it must be:
//   - a program the kernel (or libbpf) rejects is loaded on its own, and the rest of the object
//     is tried together again without it;
//   - a failure that names no program (a map that cannot be created, a missing kfunc) sends
//     every remaining program to its own load;
//   - a program whose attach target the kernel's BTF lacks is loaded on its own from the start.
// Isolated loads that follow a whole-object load take over its maps rather than create them
// again, except maps a test run may have written and maps that bind their users (program
// arrays, cgroup storage, maps of maps, struct_ops).
// Each program's verification is a BPF_PROG_LOAD of its own either way, so the results are
// the same; the e2e layer checks that against LoadOptions::isolated on real corpora.
#include "results/full_log_selection.h"
#include "results/manifest.h"
#include "results/results.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct bpf_object;

namespace vmtest {

struct ProgramInfo {
  std::string name;
  std::string section;
  std::string prog_type;           // as it will be loaded (an freplace's guessed type)
  std::vector<int32_t> helper_ids; // helpers its main body calls, sorted, unique
  // libbpf will most likely not find its attach target (agent/attach_targets.h): load_object
  // loads it on its own rather than in the whole-object load. A hint, never a verdict.
  bool attach_target_missing = false;
};

struct ObjectCloser {
  void operator()(bpf_object* obj) const;
};
using ObjectPtr = std::unique_ptr<bpf_object, ObjectCloser>;

// Lists the programs of an object without loading anything. Error text comes from libbpf.
struct ObjectListing {
  std::vector<ProgramInfo> programs;
  std::string error; // non-empty when the object cannot be opened
  // The object as opened for listing, not loaded. load_object makes its first load with it,
  // which saves parsing the ELF and BTF once more per object.
  ObjectPtr object;
};
ObjectListing list_programs(const std::string& path);

// A loaded program; closes its object (and with it the program fd) on destruction.
class LoadedProgram {
public:
  LoadedProgram() = default;
  explicit LoadedProgram(bpf_object* obj, int fd) : obj_(obj), fd_(fd) {}
  LoadedProgram(LoadedProgram&& o) noexcept : obj_(o.obj_), fd_(o.fd_) { o.obj_ = nullptr; }
  LoadedProgram& operator=(LoadedProgram&& o) noexcept;
  ~LoadedProgram();
  int fd() const { return obj_ ? fd_ : -1; }

private:
  bpf_object* obj_ = nullptr;
  int fd_ = -1;
};

struct LoadOptions {
  size_t log_tail_lines = 20;
  bool log_stats = false;    // kernel accepts log_level 4
  bool log_rotating = false; // overflowing log keeps its tail
  size_t initial_log_size = 1 << 20;
  size_t max_log_size = 256u << 20;
  // Load every program on its own even when the object would load whole: slower, and the
  // reference the default must match.
  bool isolated = false;
  // Keep a rejected program's whole log in ProgramResult::full_log.text: its level 1 trace
  // (loaded anyway to explain the rejection), or the first load's log when that already held
  // all a trace would. Keeping it costs no load.
  bool keep_rejected_log = false;
  // A preset's globals, written into every opening of the object before it loads
  // (agent/global_presets.h).
  std::vector<GlobalSetting> globals;
  // What the row's baseline recorded, by program name as listed: a hint that saves loads,
  // never a verdict. A program the baseline saw rejected stays out of whole-object loads (it
  // would only make them fail and be loaded again without it), and where the first load logs
  // stats only, it goes straight to the level 1 trace that explains a rejection, its buffer
  // sized from the instructions the baseline counted. When the hint is wrong (the program is
  // accepted now) or of no use (the trace would add nothing), the program gets exactly the
  // loads it would have had without it, so the hint never changes a result.
  std::map<std::string, ProgramExpectation> expected;
  // Called before every BPF load the loader makes: the programs it autoloads, the log level
  // and the log buffer's size (0 without a log). Loads are what a row costs, so tests and the
  // bench count them here.
  struct Attempt {
    std::vector<std::string> programs;
    unsigned level = 0;
    size_t log_size = 0;
  };
  std::function<void(const Attempt&)> on_load;
};

// Fills verdict, errno, stats, sizes and the log tail of `out` from an isolated load; returns
// the live program when it was accepted so the caller can BPF_PROG_TEST_RUN it.
LoadedProgram load_program(const std::string& path, const ProgramInfo& info,
                           const LoadOptions& opts, ProgramResult& out);

// A complete verifier log from one more isolated load at `level`, its buffer grown up to
// opts.max_log_size. `capped` is set when even that did not hold it (a rotating kernel kept
// the tail; an older one the head). For programs that need their full log after a first load
// that logged only stats. `insns`, the instructions the first load processed, sizes the first
// buffer so that a long log takes one load rather than one per size it outgrows.
struct CapturedLog {
  std::string text;
  bool capped = false;
};
CapturedLog capture_log(const std::string& path, const ProgramInfo& info, unsigned level,
                        const LoadOptions& opts, uint64_t insns = 0);

// The first buffer for a log at `level` (1 or 2) of a program that processed `insns`
// instructions: the smallest step of the growth ladder (initial_log_size × 4^k, up to
// max_log_size) that such a log is expected to fit. Every step below it would overflow and
// be loaded again; starting on the ladder keeps the final buffer, and so the log, what
// growing from the bottom would have reached.
size_t first_log_buffer(uint64_t insns, unsigned level, const LoadOptions& opts);

// Runs the test cases of programs[index] on a live program fd, recording them in `result`.
// Returns whether the program itself executed, and so may have changed what is in its maps.
using TestRunner = std::function<bool(size_t index, int prog_fd, ProgramResult& result)>;

// Loads every program of the object's listing and returns their results in the listing's
// order (taking over listing.object). `run_tests` is called once for each accepted program
// while it is loaded. Test runs see maps as an isolated load leaves them: a program whose
// writable maps another program's test run has already executed on gets a fresh isolated load
// for its own runs.
std::vector<ProgramResult> load_object(const std::string& path, ObjectListing& listing,
                                       const LoadOptions& opts, const TestRunner& run_tests);

} // namespace vmtest
