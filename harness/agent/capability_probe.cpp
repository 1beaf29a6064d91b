// SPDX-License-Identifier: BSD-2-Clause
#include "agent/capability_probe.h"

#include "results/json_read.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vmtest {
namespace {

using Clock = std::chrono::steady_clock;

std::string tail_of(const std::string& s, size_t n) {
  std::string t = s.size() > n ? s.substr(s.size() - n) : s;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
    t.pop_back();
  return t;
}

// Reads both pipes until EOF on both or the deadline. Returns false on timeout.
bool drain(int out_fd, int err_fd, std::string& out, std::string& err, Clock::time_point deadline) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&out, &err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r > 0) {
        sinks[i]->append(buf, static_cast<size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        fds[i].fd = -1; // poll ignores negative descriptors
        --open_fds;
      }
    }
  }
  return true;
}

} // namespace

Captured capture_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  Captured c;
  if (argv.empty()) {
    c.error = "empty command";
    return c;
  }
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    c.error = std::string("pipe: ") + std::strerror(errno);
    return c;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    c.error = std::string("pipe: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return c;
  }
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // A fixed environment: inside the guest there is none, and on the host the user's
  // LD_LIBRARY_PATH or locale must not change what bpftool prints.
  char path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* envp[] = {path_env, nullptr};

  pid_t pid = fork();
  if (pid < 0) {
    c.error = std::string("fork: ") + std::strerror(errno);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    return c;
  }
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    execve(args[0], args.data(), envp);
    dprintf(STDERR_FILENO, "cannot execute %s: %s", args[0], std::strerror(errno));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::string err;
  bool finished = drain(out_pipe[0], err_pipe[0], c.out, err, Clock::now() + timeout);
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (!finished) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    c.error = argv[0] + " timed out after " + std::to_string(timeout.count() / 1000) + " s";
  } else if (WIFSIGNALED(status)) {
    c.error = argv[0] + " killed by signal " + std::to_string(WTERMSIG(status));
  } else if (WEXITSTATUS(status) != 0) {
    c.error = argv[0] + " exited with status " + std::to_string(WEXITSTATUS(status));
  } else {
    c.ok = true;
    return c;
  }
  if (auto t = tail_of(err, 400); !t.empty()) c.error += ": " + t;
  return c;
}

CapabilityProbe probe_capabilities(const std::string& bpftool, std::chrono::milliseconds timeout) {
  auto t0 = Clock::now();
  CapabilityProbe p;
  Captured c = capture_command({bpftool, "feature", "probe", "kernel", "-j"}, timeout);
  p.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!c.ok) {
    p.error = c.error;
    return p;
  }
  auto parsed = json_read::parse(c.out); // depth-limited, never throws
  if (!parsed) {
    p.error = "bpftool printed no valid JSON: " + parsed.error().what;
    return p;
  }
  p.json = std::move(*parsed);
  if (!p.json.is_object()) {
    p.error = "bpftool printed JSON that is not an object";
    p.json = nullptr;
  }
  return p;
}

} // namespace vmtest
