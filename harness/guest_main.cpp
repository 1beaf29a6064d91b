// SPDX-License-Identifier: BSD-2-Clause
// vmtest-guest: the agent. As PID 1 of the initramfs it mounts what libbpf needs, runs the
// manifest, streams its report record by record to /dev/ttyS1, or the port named by
// vmtest.results= on the kernel command line (results/guest_protocol.h), and
// powers the VM off. With --manifest it
// runs the same code on the host kernel (vmtest run --kernel host).
#include "agent/agent.h"
#include "results/byte_text.h"
#include "results/guest_protocol.h"
#include "results/json_read.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

namespace {

constexpr const char* kManifestPath = "/vmtest/manifest.json";
constexpr const char* kDefaultResultsPort = "/dev/ttyS1";

// The value of `key` (which ends in '=') on the kernel command line, or "".
std::string cmdline_value(const std::string& words, std::string_view key) {
  auto at = words.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return words.substr(at, words.find_first_of(" \n", at) - at);
}

void mount_if_possible(const char* src, const char* target, const char* type) {
  mkdir(target, 0755);
  // Failures are fine: older kernels lack tracefs, and nothing here depends on it.
  mount(src, target, type, 0, nullptr);
}

bool write_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

vmtest::AgentReport run_from(const std::string& manifest_path, bool echo, bool skip_caps,
                             const std::string& row, int workers,
                             std::function<void(const std::string&)> emit = {}) {
  vmtest::AgentReport report;
  std::ifstream in(manifest_path);
  if (!in) {
    report.fatal = "cannot open manifest " + manifest_path + ": " + std::strerror(errno);
    return report;
  }
  vmtest::Manifest m;
  try {
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto parsed = vmtest::json_read::parse(text); // depth-limited
    if (!parsed) throw std::runtime_error(parsed.error().what);
    m = parsed->get<vmtest::Manifest>();
  } catch (const std::exception& e) {
    report.fatal = std::string("bad manifest: ") + e.what();
    return report;
  }
  vmtest::AgentOptions opts;
  opts.skip_capabilities = skip_caps;
  opts.row = row;
  opts.workers = workers;
  opts.echo_libbpf = echo;
  opts.progress = [](const std::string& line) {
    std::fprintf(stderr, "vmtest: %s\n", line.c_str());
  };
  opts.emit = std::move(emit);
  return vmtest::run_agent(m, opts);
}

[[noreturn]] void power_off() {
  sync();
  reboot(RB_POWER_OFF);
  // If power-off is unavailable, a reboot still ends qemu because it runs with -no-reboot.
  reboot(RB_AUTOBOOT);
  for (;;)
    pause();
}

int init_main() {
  mount_if_possible("proc", "/proc", "proc");
  mount_if_possible("sysfs", "/sys", "sysfs");
  mount_if_possible("devtmpfs", "/dev", "devtmpfs");
  mount_if_possible("bpf", "/sys/fs/bpf", "bpf");
  mount_if_possible("debugfs", "/sys/kernel/debug", "debugfs");
  mount_if_possible("tracefs", "/sys/kernel/tracing", "tracefs");

  std::ifstream cmdline("/proc/cmdline");
  std::string words((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  bool skip_caps = words.find(vmtest::kSkipCapabilitiesArg) != std::string::npos;
  const std::string row = cmdline_value(words, vmtest::kRowArg);
  const int workers = std::atoi(cmdline_value(words, vmtest::kWorkersArg).c_str());
  std::string port = cmdline_value(words, vmtest::kResultsPortArg);
  if (port.empty()) port = kDefaultResultsPort;
  // Opened before any work: each record goes out (and is drained) as soon as it is known.
  int fd = open(port.c_str(), O_WRONLY | O_NOCTTY);
  if (fd < 0) {
    std::fprintf(stderr, "vmtest: cannot open %s: %s\n", port.c_str(), std::strerror(errno));
  } else {
    // Raw mode: the tty layer must not turn \n into \r\n.
    termios t{};
    if (tcgetattr(fd, &t) == 0) {
      cfmakeraw(&t);
      tcsetattr(fd, TCSANOW, &t);
    }
  }
  auto emit = [fd](const std::string& record) {
    if (fd < 0) return;
    if (!write_all(fd, record)) std::fprintf(stderr, "vmtest: writing results failed\n");
    tcdrain(fd);
  };
  vmtest::AgentReport report = run_from(kManifestPath, false, skip_caps, row, workers, emit);
  // run_agent streamed everything else; a fatal error happens before it starts.
  if (!report.fatal.empty()) emit(vmtest::fatal_record(report.fatal));
  if (fd >= 0) close(fd);
  std::fprintf(stderr, "vmtest: done in %.2fs, powering off\n", report.agent_seconds);
  power_off();
}

int host_main(int argc, char** argv) {
  std::string manifest, output;
  bool echo = false;
  int workers = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--manifest" && i + 1 < argc)
      manifest = argv[++i];
    else if (a == "--output" && i + 1 < argc)
      output = argv[++i];
    else if (a == "--verbose")
      echo = true;
    else if (a == "--workers" && i + 1 < argc)
      workers = std::atoi(argv[++i]);
    else if (a == "--version") {
      std::printf("vmtest-guest libbpf %s\n", vmtest::libbpf_version().c_str());
      return 0;
    } else {
      std::fprintf(stderr,
                   "usage: vmtest-guest --manifest FILE [--output FILE] [--verbose] [--workers N] |"
                   " --version\n"
                   "Runs as /init inside a vmtest VM; with --manifest it runs on this kernel.\n");
      return 2;
    }
  }
  if (manifest.empty()) {
    std::fprintf(stderr, "vmtest-guest: --manifest is required outside a VM\n");
    return 2;
  }
  vmtest::AgentReport report = run_from(manifest, echo, false, "host", workers);
  std::string text = vmtest::dump_json(nlohmann::json(report));
  if (output.empty()) {
    std::cout << text << "\n";
  } else {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      std::fprintf(stderr, "vmtest-guest: cannot write %s\n", output.c_str());
      return 2;
    }
  }
  return report.fatal.empty() ? 0 : 2;
}

} // namespace

int main(int argc, char** argv) {
  if (getpid() == 1) return init_main();
  return host_main(argc, argv);
}
