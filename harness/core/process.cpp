// SPDX-License-Identifier: BSD-2-Clause
#include "core/process.h"

#include "core/cancel.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

namespace vmtest {
namespace {

using Clock = std::chrono::steady_clock;

class Subprocess : public Process {
 public:
  // The pidfd becomes readable when the child exits, so wait() can block on it instead of
  // waking every few milliseconds to ask (and noticing the exit up to a sleep late). Kernels
  // before 5.3 have no pidfd_open: there wait() falls back to sleeping briefly between polls.
  Subprocess(pid_t pid, int out_fd)
      : pid_(pid), out_fd_(out_fd),
        pidfd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {}
  ~Subprocess() override {
    if (!status_) {
      kill();
      wait(std::chrono::milliseconds{0});
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    if (pidfd_ >= 0) ::close(pidfd_);
  }

  std::optional<ExitStatus> poll() override {
    drain(false);
    if (status_) return status_;
    reap(false);
    return status_;
  }

  ExitStatus wait(std::chrono::milliseconds timeout) override {
    auto deadline = Clock::now() + timeout;
    while (!poll()) {
      const auto now = Clock::now();
      if (timeout.count() > 0 && now >= deadline) {
        timed_out_ = true;
        kill();
        reap(true);
        break;
      }
      // Block until the child exits, writes to the pipe (which must be drained, or a chatty
      // child stalls), or the deadline passes. A pipe at its end stays readable for ever, so
      // it is watched only until then. The cap only bounds a wait that nothing would end.
      int wait_ms = 1000;
      if (timeout.count() > 0)
        wait_ms = static_cast<int>(std::min<int64_t>(
            wait_ms,
            std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count()));
      pollfd fds[2];
      nfds_t n = 0;
      if (pidfd_ >= 0) fds[n++] = {pidfd_, POLLIN, 0};
      if (out_fd_ >= 0 && !out_eof_) fds[n++] = {out_fd_, POLLIN, 0};
      if (pidfd_ >= 0)
        ::poll(fds, n, wait_ms);
      else if (n > 0)
        ::poll(fds, n, std::min(wait_ms, 20));
      else
        std::this_thread::sleep_for(std::chrono::milliseconds{std::min(wait_ms, 10)});
    }
    return *status_;
  }

  // The whole group: qemu's or apt-get's own helpers go with it.
  void kill() override {
    if (!status_) ::kill(-pid_, SIGKILL);
  }

 private:
  // The child stays a zombie until it is untracked, so the cancellation never signals a group
  // whose id the kernel may already have handed to a stranger.
  void reap(bool block) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info,
                 WEXITED | WNOWAIT | (block ? 0 : WNOHANG)) != 0 ||
        info.si_pid != pid_)
      return;
    untrack_child_group(pid_);
    int st = 0;
    if (::waitpid(pid_, &st, 0) == pid_) finish(st);
  }
  void drain(bool until_eof) {
    if (out_fd_ < 0) return;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n > 0) {
        output_.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) out_eof_ = true;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN && until_eof) {
        pollfd p{out_fd_, POLLIN, 0};
        // Children of the child may hold the pipe open; do not wait for them forever.
        if (::poll(&p, 1, 200) > 0) continue;
      }
      break;
    }
  }
  void finish(int st) {
    drain(true);
    ExitStatus s;
    if (WIFEXITED(st)) s.exit_code = WEXITSTATUS(st);
    if (WIFSIGNALED(st)) s.term_signal = WTERMSIG(st);
    s.timed_out = timed_out_;
    s.output = std::move(output_);
    status_ = std::move(s);
  }

  pid_t pid_;
  int out_fd_;
  int pidfd_; // -1 without pidfd_open
  bool out_eof_ = false;
  bool timed_out_ = false;
  std::string output_;
  std::optional<ExitStatus> status_;
};

}  // namespace

std::string ExitStatus::describe() const {
  if (timed_out) return "timed out";
  if (term_signal != 0) return "killed by signal " + std::to_string(term_signal);
  return "exit code " + std::to_string(exit_code);
}

Result<ExitStatus> CommandRunner::run(const Command& cmd, std::chrono::milliseconds timeout) {
  auto p = start(cmd);
  if (!p) return p.error();
  return (*p)->wait(timeout);
}

Result<std::unique_ptr<Process>> SubprocessRunner::start(const Command& cmd) {
  if (cmd.argv.empty()) return Error{"empty command", ""};
  int pipefd[2] = {-1, -1};
  int out_fd = -1;
  if (cmd.stdout_path.empty()) {
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return errno_error("pipe failed", cmd.argv[0]);
  } else {
    out_fd = ::open(cmd.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) return errno_error("cannot open output file", cmd.stdout_path.string());
  }
  std::vector<char*> argv;
  for (const auto& a : cmd.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return errno_error("fork failed", cmd.argv[0]);
  if (pid == 0) {
    // Its own process group, so a cancellation (core/cancel.h) ends the child and whatever it
    // started, and a terminal's Ctrl-C reaches vmtest alone, which then stops the children in
    // order. PR_SET_PDEATHSIG covers the one case vmtest cannot handle, its own SIGKILL: the
    // child goes with it. (It fires when the forking *thread* exits: every caller waits for its
    // child on the thread that started it.) The signals a cancellation waits for are blocked
    // in vmtest's threads, and exec keeps a blocked mask: unblock them.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(125); // vmtest died before the line above
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int target = cmd.stdout_path.empty() ? pipefd[1] : out_fd;
    ::dup2(target, STDOUT_FILENO);
    if (cmd.merge_stderr) ::dup2(target, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    if (!cmd.cwd.empty() && ::chdir(cmd.cwd.c_str()) != 0) _exit(126);
    ::execvp(argv[0], argv.data());
    _exit(127);
  }
  // Also here: whichever of parent and child runs first, the group exists before it is killed.
  ::setpgid(pid, pid);
  track_child_group(pid);
  if (out_fd >= 0) ::close(out_fd);
  int read_fd = -1;
  if (pipefd[1] >= 0) {
    ::close(pipefd[1]);
    read_fd = pipefd[0];
    ::fcntl(read_fd, F_SETFL, O_NONBLOCK);
  }
  return std::unique_ptr<Process>(new Subprocess(pid, read_fd));
}

}  // namespace vmtest
