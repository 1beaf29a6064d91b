// SPDX-License-Identifier: BSD-2-Clause
// Where the agent's time goes inside a guest: linked into a copy of vmtest-guest by
// bench/loader-profile.sh, never into the product. vmtest-guest links libbpf statically, so
// the linker's --wrap reaches libbpf's own calls: every bpf() syscall (timed per command, map
// creations one by one), bpf_object__open/load/close, and libbpf's debug messages. The bench
// also wraps the agent's own stages (feature probes, listing, loading an object, a test run,
// the full-log reloads) by their mangled names, with forwarders it generates (see
// loader-profile.sh), which call profile_enter/profile_leave below. Time is charged to the
// innermost stage running, so the stages add up to the agent's wall time. Just before the
// agent powers the VM off, the totals go to the console as "PROF ..." lines.
#include <algorithm>
#include <bpf/libbpf.h>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <linux/bpf.h>
#include <map>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

// The agent's kernel-BTF cache reports what its one parse and its name index cost; a build
// without that accessor (an older one, compared in the same bench run) leaves those costs
// inside the loads that paid them.
extern "C" __attribute__((weak)) void vmtest_btf_cache_seconds(double* parse, double* index);

namespace {

double now() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Total {
  long calls = 0;
  double seconds = 0;
  void add(double s) {
    ++calls;
    seconds += s;
  }
};

struct MapCreation {
  double seconds;
  unsigned type, key_size, value_size, max_entries;
  char name[BPF_OBJ_NAME_LEN];
};

struct ObjectLoad {
  std::string object;
  int err;
  double seconds;
  int maps;
  double map_seconds;
};

// The stages time is charged to, innermost first. Their names are the bench's keys.
enum Stage {
  kAgent,      // the agent outside every stage below (manifest, mounts, progress, records)
  kFeatures,   // probe_features
  kListing,    // list_programs: one open per object
  kObjects,    // load_object outside loads and test runs: opens, relocation, maps, fixups
  kTestRuns,   // run_test_case
  kFullLogs,   // collect_full_logs outside its loads: the reloads' opens and maps
  kLoads,      // BPF_PROG_LOAD outside the full-log reloads (the verifier's time is inside)
  kFullLoads,  // BPF_PROG_LOAD inside them
  kRecords,    // the records going out over the results port (write, tcdrain)
  kStages
};
const char* const kStageNames[kStages] = {"agent",     "features", "listing",   "objects",
                                          "testruns",  "fulllogs", "loads",     "fullloads",
                                          "records"};

const double g_start = now();
// Exclusive time per stage, and the stack of stages running.
double g_stage[kStages];
long g_stage_calls[kStages];
std::vector<int> g_stack{kAgent};
double g_mark = g_start;
double g_first_listing = 0; // when the agent started on its first object
double g_agent_before = 0;  // the agent's own time until then

void enter(int stage) {
  const double t = now();
  g_stage[g_stack.back()] += t - g_mark;
  g_mark = t;
  g_stack.push_back(stage);
  ++g_stage_calls[stage];
}

void leave() {
  const double t = now();
  g_stage[g_stack.back()] += t - g_mark;
  g_mark = t;
  if (g_stack.size() > 1) g_stack.pop_back();
}

bool in_full_logs() {
  return std::find(g_stack.begin(), g_stack.end(), kFullLogs) != g_stack.end();
}

Total g_cmd[64]; // by bpf() command
Total g_open, g_load, g_close;
Total g_port; // write() and tcdrain(): the records going out over the results serial port
std::vector<MapCreation> g_maps;
std::vector<ObjectLoad> g_loads;
int g_load_maps = 0;
double g_load_map_seconds = 0;

// Time from each libbpf debug message to the next one, by message format: a coarse map of
// the phases inside bpf_object__load that make no syscall (CO-RE candidate search above all).
std::map<const char*, Total> g_after;
const char* g_last_format = "(start)";
double g_last_time = 0;
libbpf_print_fn_t g_agent_print = nullptr;

void next_phase(const char* format) {
  double t = now();
  if (g_last_time != 0) g_after[g_last_format].add(t - g_last_time);
  g_last_format = format;
  g_last_time = t;
}

int timed_print(enum libbpf_print_level level, const char* format, va_list args) {
  next_phase(format);
  int r = g_agent_print ? g_agent_print(level, format, args) : 0;
  g_last_time = now(); // the agent's own handling is not libbpf's time
  return r;
}

std::string one_line(const char* s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

void report() {
  next_phase("(end)");
  leave(); // charge the tail to whatever runs now (the agent)
  const double end = now();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  // CLOCK_MONOTONIC counts from the kernel's boot: when the agent started, the kernel had
  // been up this long (boot and the initramfs's unpacking).
  std::fprintf(stderr, "PROF agent %.3f s, user %.3f s, sys %.3f s, started %.3f s after boot\n",
               end - g_start, static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec * 1e-6,
               static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec * 1e-6, g_start);
  std::fprintf(stderr, "PROF first-object %.3f\n",
               g_first_listing ? g_first_listing - g_start : end - g_start);
  std::fprintf(stderr, "PROF agent-before-first %.3f\n", g_agent_before);
  for (int s = 0; s < kStages; ++s)
    std::fprintf(stderr, "PROF stage %s %ld %.3f\n", kStageNames[s], g_stage_calls[s], g_stage[s]);
  if (vmtest_btf_cache_seconds) {
    double parse = 0, index = 0;
    vmtest_btf_cache_seconds(&parse, &index);
    std::fprintf(stderr, "PROF btf %.3f %.3f\n", parse, index);
  }
  std::fprintf(stderr, "PROF call bpf_object__open %ld %.3f\n", g_open.calls, g_open.seconds);
  std::fprintf(stderr, "PROF call bpf_object__load %ld %.3f\n", g_load.calls, g_load.seconds);
  std::fprintf(stderr, "PROF call bpf_object__close %ld %.3f\n", g_close.calls, g_close.seconds);
  std::fprintf(stderr, "PROF port %ld %.3f\n", g_port.calls, g_port.seconds);
  for (int c = 0; c < 64; ++c)
    if (g_cmd[c].calls)
      std::fprintf(stderr, "PROF bpf %d %ld %.3f\n", c, g_cmd[c].calls, g_cmd[c].seconds);
  for (const ObjectLoad& l : g_loads)
    std::fprintf(stderr, "PROF load %s %d %.3f %d %.3f\n", l.object.c_str(), l.err, l.seconds,
                 l.maps, l.map_seconds);
  std::sort(g_maps.begin(), g_maps.end(),
            [](const MapCreation& a, const MapCreation& b) { return a.seconds > b.seconds; });
  for (size_t i = 0; i < g_maps.size() && i < 10; ++i) {
    const MapCreation& m = g_maps[i];
    std::fprintf(stderr, "PROF map %.3f %s type=%u key=%u value=%u max_entries=%u\n", m.seconds,
                 m.name, m.type, m.key_size, m.value_size, m.max_entries);
  }
  std::vector<std::pair<const char*, Total>> after(g_after.begin(), g_after.end());
  std::sort(after.begin(), after.end(),
            [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  for (size_t i = 0; i < after.size() && i < 8; ++i)
    std::fprintf(stderr, "PROF after %.3f %ld %s\n", after[i].second.seconds, after[i].second.calls,
                 one_line(after[i].first).c_str());
  std::fflush(stderr);
}

} // namespace

extern "C" {

// Called by the forwarders loader-profile.sh generates around the agent's stages.
void profile_enter(int stage) {
  const bool first = stage == kListing && !g_first_listing;
  enter(stage);
  if (first) {
    g_first_listing = g_mark;
    g_agent_before = g_stage[kAgent];
  }
}
void profile_leave() {
  leave();
}

long __real_syscall(long nr, long a, long b, long c, long d, long e, long f);
long __wrap_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  const bool prog_load = nr == __NR_bpf && a == BPF_PROG_LOAD;
  if (prog_load) enter(in_full_logs() ? kFullLoads : kLoads);
  double t0 = now();
  long r = __real_syscall(nr, a, b, c, d, e, f);
  double dt = now() - t0;
  if (prog_load) leave();
  if (nr != __NR_bpf || a < 0 || a >= 64) return r;
  g_cmd[a].add(dt);
  if (a == BPF_MAP_CREATE) {
    const auto* attr = reinterpret_cast<const bpf_attr*>(b);
    MapCreation m{dt, attr->map_type, attr->key_size, attr->value_size, attr->max_entries, {}};
    std::memcpy(m.name, attr->map_name, sizeof m.name - 1);
    g_maps.push_back(m);
    ++g_load_maps;
    g_load_map_seconds += dt;
  }
  return r;
}

libbpf_print_fn_t __real_libbpf_set_print(libbpf_print_fn_t fn);
// timed_print stays installed and forwards to the callback the agent asked for. What a caller
// gets back is the callback it or another caller set before, never timed_print itself: the
// kernel-BTF cache reads the current callback by setting and restoring it, and restoring
// timed_print as the forward target would make it call itself.
libbpf_print_fn_t __wrap_libbpf_set_print(libbpf_print_fn_t fn) {
  libbpf_print_fn_t old = g_agent_print;
  g_agent_print = fn;
  __real_libbpf_set_print(timed_print);
  return old;
}

bpf_object* __real_bpf_object__open_file(const char* path, const bpf_object_open_opts* opts);
bpf_object* __wrap_bpf_object__open_file(const char* path, const bpf_object_open_opts* opts) {
  double t0 = now();
  bpf_object* obj = __real_bpf_object__open_file(path, opts);
  g_open.add(now() - t0);
  return obj;
}

int __real_bpf_object__load(bpf_object* obj);
int __wrap_bpf_object__load(bpf_object* obj) {
  next_phase("(agent)");
  g_load_maps = 0;
  g_load_map_seconds = 0;
  double t0 = now();
  int err = __real_bpf_object__load(obj);
  double dt = now() - t0;
  next_phase("(agent after a load)");
  g_load.add(dt);
  g_loads.push_back({bpf_object__name(obj), err, dt, g_load_maps, g_load_map_seconds});
  return err;
}

void __real_bpf_object__close(bpf_object* obj);
void __wrap_bpf_object__close(bpf_object* obj) {
  double t0 = now();
  __real_bpf_object__close(obj);
  g_close.add(now() - t0);
}

ssize_t __real_write(int fd, const void* buf, size_t n);
ssize_t __wrap_write(int fd, const void* buf, size_t n) {
  enter(kRecords);
  double t0 = now();
  ssize_t r = __real_write(fd, buf, n);
  g_port.add(now() - t0);
  leave();
  return r;
}

int __real_tcdrain(int fd);
int __wrap_tcdrain(int fd) {
  enter(kRecords);
  double t0 = now();
  int r = __real_tcdrain(fd);
  g_port.add(now() - t0);
  leave();
  return r;
}

int __real_reboot(int how);
int __wrap_reboot(int how) {
  report();
  return __real_reboot(how);
}

} // extern "C"
