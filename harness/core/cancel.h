// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Stopping a run cleanly when it is cancelled. GitHub cancels a job with SIGINT, then SIGTERM,
// then SIGKILL; a terminal sends SIGINT, a closed session SIGHUP. Without care every qemu child
// is reparented to PID 1 and keeps running, and the run writes no results.
//
// install_cancel_on_signals() blocks SIGINT, SIGTERM and SIGHUP in the calling thread (so in
// every thread started after it) and waits for them in a thread of its own. The first signal
// marks the process cancelled and kills the process group of every tracked child (each child of
// SubprocessRunner leads its own group), so the VM and host-agent stages end at once and the
// run goes on to record what it has: the kernels it could not finish become `interrupted`. A
// second signal kills the children again and exits at once (128 + signal).
//
// Only commands that boot VMs install it; the others keep the default action (the process
// dies, and PR_SET_PDEATHSIG in every child takes its children with it).
#include <string>
#include <sys/types.h>

namespace vmtest {

// Call once, before any other thread starts. Further calls do nothing.
void install_cancel_on_signals();

// The signal that cancelled the process, 0 while it has not been cancelled.
int cancel_signal();
inline bool cancelled() {
  return cancel_signal() != 0;
}
// "interrupted by SIGTERM": why a stage stopped, for messages and results.json.
std::string cancel_reason();

// What the signal thread does on the first signal, callable directly (tests, and a stage that
// must give up on its own).
void request_cancel(int sig);
// Tests only: forget an earlier request_cancel().
void reset_cancel_for_tests();

// Children whose process group a cancellation kills. SubprocessRunner tracks every child from
// fork to reaping; a child started after the cancellation is killed as soon as it is tracked.
void track_child_group(pid_t pgid);
void untrack_child_group(pid_t pgid);

} // namespace vmtest
