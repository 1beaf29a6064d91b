// SPDX-License-Identifier: BSD-2-Clause
// Where the agent's time goes inside a guest: linked into a copy of vmtest-guest by
// bench/loader-profile.sh, never into the product. vmtest-guest links libbpf statically, so
// the linker's --wrap reaches libbpf's own calls: every bpf() syscall (timed per command, map
// creations one by one), bpf_object__open/load/close, and libbpf's debug messages. Just before
// the agent powers the VM off, the totals go to the console as "PROF ..." lines.
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

const double g_start = now();
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
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::fprintf(stderr, "PROF agent %.3f s, user %.3f s, sys %.3f s\n", now() - g_start,
               static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec * 1e-6,
               static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec * 1e-6);
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

long __real_syscall(long nr, long a, long b, long c, long d, long e, long f);
long __wrap_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  double t0 = now();
  long r = __real_syscall(nr, a, b, c, d, e, f);
  if (nr != __NR_bpf || a < 0 || a >= 64) return r;
  double dt = now() - t0;
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
libbpf_print_fn_t __wrap_libbpf_set_print(libbpf_print_fn_t fn) {
  g_agent_print = fn;
  return __real_libbpf_set_print(timed_print);
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
  double t0 = now();
  ssize_t r = __real_write(fd, buf, n);
  g_port.add(now() - t0);
  return r;
}

int __real_tcdrain(int fd);
int __wrap_tcdrain(int fd) {
  double t0 = now();
  int r = __real_tcdrain(fd);
  g_port.add(now() - t0);
  return r;
}

int __real_reboot(int how);
int __wrap_reboot(int how) {
  report();
  return __real_reboot(how);
}

} // extern "C"
