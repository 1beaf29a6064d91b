// SPDX-License-Identifier: BSD-2-Clause
#include "vm/vm_runner.h"

#include "core/cancel.h"
#include "core/fs.h"
#include "vm/console_scan.h"
#include "vm/file_follower.h"
#include "vm/qemu_command.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <vector>

namespace vmtest {
namespace fs = std::filesystem;
namespace {

std::string seconds_str(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

// The last few lines qemu printed itself (usually why it refused to start), on one line.
std::string last_lines(const std::string& text, std::size_t n) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  std::string s;
  for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
    s += (s.empty() ? "" : " | ") + lines[i];
  return s;
}

// "SIGKILL" for 9: the name a user looks up, where a number means nothing.
std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// A signal that means qemu itself faulted, as opposed to someone (the OOM killer, a user, a
// CI runner cancelling the job) ending it from outside.
bool is_crash_signal(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT ||
         sig == SIGSYS || sig == SIGTRAP;
}

VmOutcome failed(const VmSpec& spec, std::string error) {
  VmOutcome out;
  out.status = KernelStatus::BootFailed;
  out.console_log = console_log_path(spec);
  out.error = std::move(error);
  return out;
}

} // namespace

VmRunner::VmRunner(CommandRunner& runner, AccelSelector& accel, Clock& clock, VmRunnerOptions opts)
    : runner_(runner), accel_(accel), clock_(clock), opts_(std::move(opts)) {}

VmOutcome VmRunner::run(const VmSpec& spec) {
  std::error_code ec;
  if (!fs::exists(spec.kernel, ec))
    return failed(spec, "kernel image not found: " + spec.kernel.string());
  if (!fs::exists(spec.initrd, ec))
    return failed(spec, "initrd not found: " + spec.initrd.string());
  fs::create_directories(spec.work_dir, ec);
  if (ec)
    return failed(spec, "cannot create work dir " + spec.work_dir.string() + ": " + ec.message());

  auto accel = accel_.select(spec.accel, spec.kernel, spec.work_dir, spec.arch);
  if (!accel) return failed(spec, accel.error().str());
  bool kvm_silent = false;
  VmOutcome out = run_with(spec, *accel, kvm_silent);
  // "auto" trusted a remembered (or probed) KVM verdict, yet this guest never spoke: the
  // verdict is stale. Record that and boot again under TCG, once.
  if (kvm_silent && (spec.accel == "auto" || spec.accel.empty())) {
    accel_.mark_kvm_broken("a guest printed nothing under KVM within " +
                           seconds_str(opts_.liveness));
    out = run_with(spec, Accel::tcg, kvm_silent);
  }
  return out;
}

VmOutcome VmRunner::run_with(const VmSpec& spec, Accel accel, bool& kvm_silent) {
  kvm_silent = false;
  VmOutcome out;
  out.accel = std::string(to_string(accel));
  out.console_log = console_log_path(spec);
  // Stale files from an earlier run must not be mistaken for this run's output.
  std::error_code ec;
  fs::remove(console_log_path(spec), ec);
  fs::remove(results_path(spec), ec);

  Command cmd;
  cmd.argv = qemu_argv(spec, accel, opts_.qemu);
  const auto t0 = clock_.now();
  auto started = runner_.start(cmd);
  if (!started) {
    out.status = KernelStatus::BootFailed;
    out.error = "cannot start qemu: " + started.error().str();
    return out;
  }
  auto& proc = *started;

  FileFollower console(console_log_path(spec));
  ConsoleScanner scanner(opts_.tail_lines);
  enum class Stop { exited, timeout, silent, panic_hang, cancelled } stop = Stop::exited;
  std::optional<Clock::time_point> panic_at;
  std::optional<ExitStatus> status;
  for (;;) {
    status = proc->poll();
    scanner.feed(console.read_new());
    if (status) break;
    // The cancellation has usually killed qemu already; this catches one it raced with.
    if (cancelled()) {
      stop = Stop::cancelled;
      break;
    }
    const auto now = clock_.now();
    if (scanner.result().panic && !panic_at) panic_at = now;
    if (panic_at && now - *panic_at >= opts_.panic_grace) {
      stop = Stop::panic_hang;
      break;
    }
    if (accel == Accel::kvm && !scanner.result().kernel_alive && now - t0 >= opts_.liveness) {
      stop = Stop::silent;
      break;
    }
    if (now - t0 >= spec.timeout) {
      stop = Stop::timeout;
      break;
    }
    clock_.sleep_for(opts_.poll_interval);
  }
  if (!status) {
    proc->kill();
    status = proc->wait(std::chrono::milliseconds{0});
  }
  out.seconds = std::chrono::duration<double>(clock_.now() - t0).count();
  scanner.feed(console.read_new());
  scanner.finish();
  const ConsoleScan& scan = scanner.result();
  out.console_tail = scan.tail;
  out.oopses = scan.oopses;
  if (auto r = read_file(results_path(spec))) out.results = std::move(*r);

  // A panic outranks everything else: it is why the VM stopped or hung. An image that did
  // not unpack comes next: every later symptom (missing objects, a hang) follows from it.
  if (scan.panic) {
    out.status = KernelStatus::Panic;
    out.error = *scan.panic;
  } else if (scan.unpack_failure) {
    out.status = KernelStatus::BootFailed;
    out.error = "the kernel could not unpack the guest image (" + *scan.unpack_failure + ") with " +
                std::to_string(spec.memory_mb) + " MB of guest memory";
  } else if (cancelled() && !(status->term_signal == 0 && status->exit_code == 0)) {
    // Killed by the cancellation (or stopped right after it): not qemu's failure, nor the
    // guest's. A guest that had finished cleanly before it keeps its verdicts as ok.
    out.status = KernelStatus::Interrupted;
    out.error = cancel_reason() + " after " +
                seconds_str(std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - t0));
  } else if (stop == Stop::timeout) {
    out.status = KernelStatus::Timeout;
    out.error = "no exit within " + seconds_str(spec.timeout) + "; killed";
  } else if (stop == Stop::silent) {
    out.status = KernelStatus::BootFailed;
    out.error = "the kernel printed nothing under KVM within " + seconds_str(opts_.liveness);
    kvm_silent = true;
  } else if (status->term_signal == 0 && status->exit_code == 0) {
    out.status = KernelStatus::Ok;
  } else if (status->term_signal != 0) {
    // Not our kill (those are the branches above): qemu died of a signal mid-run.
    const bool crashed = is_crash_signal(status->term_signal);
    out.status = crashed ? KernelStatus::Crashed : KernelStatus::Killed;
    out.error =
        std::string(crashed ? "qemu crashed with " : "qemu was killed by ") +
        signal_name(status->term_signal) + " after " +
        seconds_str(std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - t0));
    std::string said = last_lines(status->output, 3);
    if (!said.empty()) out.error += ": " + said;
  } else {
    out.status = KernelStatus::BootFailed;
    out.error = "qemu " + status->describe();
    std::string said = last_lines(status->output, 3);
    if (!said.empty()) out.error += ": " + said;
  }
  if (!out.ok() && !spec.name.empty()) out.error = spec.name + ": " + out.error;
  return out;
}

} // namespace vmtest
