// SPDX-License-Identifier: BSD-2-Clause
#include "core/cancel.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <set>
#include <signal.h>
#include <thread>
#include <unistd.h>

namespace vmtest {
namespace {

std::atomic<int> g_signal{0};
std::mutex g_mu;
std::set<pid_t>& groups() {
  static std::set<pid_t> s;
  return s;
}

void kill_tracked() {
  std::lock_guard lock(g_mu);
  for (pid_t pgid : groups())
    ::kill(-pgid, SIGKILL);
}

sigset_t cancel_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

void wait_for_signals() {
  const sigset_t set = cancel_signals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (!cancelled()) {
      request_cancel(sig);
      continue;
    }
    // Asked twice: the user (or the runner) does not want to wait for the results.
    kill_tracked();
    const char* name = sigabbrev_np(sig);
    std::fprintf(stderr, "vmtest: SIG%s again: exiting without writing results\n",
                 name ? name : "?");
    std::fflush(stderr);
    ::_exit(128 + sig);
  }
}

} // namespace

void install_cancel_on_signals() {
  static std::once_flag once;
  std::call_once(once, [] {
    const sigset_t set = cancel_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread(wait_for_signals).detach();
  });
}

int cancel_signal() {
  return g_signal.load();
}

std::string cancel_reason() {
  const int sig = cancel_signal();
  if (sig == 0) return "";
  const char* name = sigabbrev_np(sig);
  return std::string("interrupted by ") +
         (name ? std::string("SIG") + name : "signal " + std::to_string(sig));
}

void request_cancel(int sig) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, sig)) return;
  std::fprintf(stderr, "vmtest: %s: stopping every VM, then writing the results\n",
               cancel_reason().c_str());
  std::fflush(stderr);
  kill_tracked();
}

void reset_cancel_for_tests() {
  g_signal.store(0);
}

void track_child_group(pid_t pgid) {
  {
    std::lock_guard lock(g_mu);
    groups().insert(pgid);
  }
  // A child forked while the cancellation was killing the others would escape it.
  if (cancelled()) ::kill(-pgid, SIGKILL);
}

void untrack_child_group(pid_t pgid) {
  std::lock_guard lock(g_mu);
  groups().erase(pgid);
}

} // namespace vmtest
