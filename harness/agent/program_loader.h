#pragma once
// Loads exactly one program of an object, in isolation: the object is reopened for every
// program and only the target is autoloaded, so one program's verdict and counts never depend
// on its neighbours.
#include <string>
#include <vector>

#include "results/results.h"

struct bpf_object;

namespace vmtest {

struct ProgramInfo {
  std::string name;
  std::string section;
  std::string prog_type;            // as it will be loaded (an freplace's guessed type)
  std::vector<int32_t> helper_ids;  // helpers its main body calls, sorted, unique
};

// Lists the programs of an object without loading anything. Error text comes from libbpf.
struct ObjectListing {
  std::vector<ProgramInfo> programs;
  std::string error;  // non-empty when the object cannot be opened
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
  bool log_stats = false;     // kernel accepts log_level 4
  bool log_rotating = false;  // overflowing log keeps its tail
  size_t initial_log_size = 1 << 20;
  size_t max_log_size = 256u << 20;
};

// Fills verdict, errno, stats, sizes and the log tail of `out`; returns the live program
// when it was accepted so the caller can BPF_PROG_TEST_RUN it.
LoadedProgram load_program(const std::string& path, const ProgramInfo& info,
                           const LoadOptions& opts, ProgramResult& out);

}  // namespace vmtest
