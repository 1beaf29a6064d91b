// SPDX-License-Identifier: BSD-2-Clause
#include "vm/accel.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "results/byte_text.h"
#include "results/json_read.h"
#include "vm/console_scan.h"
#include "vm/file_follower.h"
#include "vm/qemu_command.h"

namespace vmtest {
namespace fs = std::filesystem;
using json = nlohmann::json;

std::string_view to_string(Accel a) { return a == Accel::kvm ? "kvm" : "tcg"; }

HostFacts detect_host_facts() {
  HostFacts h;
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    h.kvm_device = true;
    ::close(fd);
  }
  struct utsname u {};
  if (::uname(&u) == 0) h.kernel_release = u.release;
  return h;
}

AccelSelector::AccelSelector(CommandRunner& runner, Clock& clock, HostFacts host,
                             AccelOptions opts)
    : runner_(runner), clock_(clock), host_(std::move(host)), opts_(std::move(opts)) {
  if (opts_.cache_file.empty()) opts_.cache_file = default_cache_dir() / "accel.json";
  if (opts_.qemu.empty()) opts_.qemu = qemu_binary(host_.arch);
}

void AccelSelector::say(std::string_view line) {
  if (opts_.notify)
    opts_.notify(line);
  else
    std::cerr << "vmtest: " << line << "\n";
}

std::string AccelSelector::verdict_key() {
  if (qemu_version_.empty()) {
    Command cmd;
    cmd.argv = {opts_.qemu, "--version"};
    auto st = runner_.run(cmd, std::chrono::seconds{10});
    if (st && st->success()) {
      // "QEMU emulator version 7.2.22 (Debian ...)": the first line names the build.
      std::string first = st->output.substr(0, st->output.find('\n'));
      qemu_version_ = first.empty() ? "unknown" : first;
    } else {
      qemu_version_ = "unknown";
    }
  }
  return qemu_version_ + " | host " + host_.kernel_release;
}

Result<Accel> AccelSelector::select(std::string_view requested, const fs::path& probe_kernel,
                                    const fs::path& scratch_dir, Arch guest) {
  if (requested == "tcg") return Accel::tcg;
  const bool same_arch = guest == host_.arch;
  if (requested == "kvm") {
    if (!same_arch)
      return Error{"KVM requested, but KVM cannot run an " + std::string(to_string(guest)) +
                       " guest on an " + std::string(to_string(host_.arch)) + " host",
                   "--accel"};
    if (!host_.kvm_device) return Error{"KVM requested but /dev/kvm is missing or not usable", "/dev/kvm"};
    return Accel::kvm;
  }
  if (requested != "auto" && !requested.empty())
    return Error{"unknown accelerator '" + std::string(requested) + "' (want auto, kvm or tcg)", ""};
  if (!same_arch || !host_.kvm_device) return Accel::tcg;

  std::lock_guard lock(mu_);
  if (auto_choice_) return *auto_choice_;
  auto r = decide_auto(probe_kernel, scratch_dir);
  if (r) auto_choice_ = *r;
  return r;
}

Result<Accel> AccelSelector::decide_auto(const fs::path& probe_kernel, const fs::path& scratch_dir) {
  if (auto known = load_verdict()) return *known ? Accel::kvm : Accel::tcg;
  auto works = probe_kvm(probe_kernel, scratch_dir);
  if (!works) return works.error();
  if (*works) {
    save_verdict(true, "console output under KVM within the liveness deadline");
    return Accel::kvm;
  }
  const std::string why = probe_note_;
  save_verdict(false, why);
  say("KVM is present but broken here (" + why + "); falling back to TCG, verdict saved in " +
      opts_.cache_file.string());
  return Accel::tcg;
}

void AccelSelector::mark_kvm_broken(std::string_view why) {
  std::lock_guard lock(mu_);
  if (auto_choice_ == Accel::tcg) return;  // already known; say it only once
  auto_choice_ = Accel::tcg;
  save_verdict(false, why);
  say("KVM guest went silent (" + std::string(why) + "); falling back to TCG, verdict saved in " +
      opts_.cache_file.string());
}

Result<bool> AccelSelector::probe_kvm(const fs::path& kernel, const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(kernel, ec)) return Error{"kernel image not found", kernel.string()};
  fs::create_directories(dir, ec);
  if (ec) return Error{"cannot create directory: " + ec.message(), dir.string()};
  fs::path console = dir / "kvm-probe-console.log";
  fs::remove(console, ec);
  probe_note_.clear();
  // No initrd: the probe only needs the kernel's first printk line, then it is killed.
  Command cmd;
  cmd.argv = kvm_probe_argv(host_.arch, kernel, console, opts_.qemu);
  auto started = runner_.start(cmd);
  if (!started) return started.error().wrap("KVM probe");
  auto& proc = *started;
  const auto t0 = clock_.now();
  FileFollower follower(console);
  ConsoleScanner scanner(0);
  bool alive = false;
  for (;;) {
    scanner.feed(follower.read_new());
    if (scanner.result().kernel_alive) {
      alive = true;
      break;
    }
    // Exiting before the kernel says anything counts as broken too (on this host qemu
    // aborts with -cpu host under KVM).
    if (auto st = proc->poll()) {
      probe_note_ = "qemu " + st->describe() + " before the kernel printed anything under KVM";
      break;
    }
    if (clock_.now() - t0 >= opts_.liveness) {
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.1f", std::chrono::duration<double>(opts_.liveness).count());
      probe_note_ = std::string("the kernel printed nothing under KVM within ") + secs + " s";
      break;
    }
    clock_.sleep_for(opts_.poll_interval);
  }
  proc->kill();
  proc->wait(std::chrono::milliseconds{0});
  return alive;
}

std::optional<bool> AccelSelector::load_verdict() {
  auto text = read_file(opts_.cache_file);
  if (!text) return std::nullopt;
  auto parsed = json_read::parse(*text); // depth-limited: a cache is a file like any other
  if (!parsed) return std::nullopt;
  json j = std::move(*parsed);
  if (!j.is_object() || !j.contains("verdicts") || !j["verdicts"].is_object()) return std::nullopt;
  auto& v = j["verdicts"];
  auto it = v.find(verdict_key());
  if (it == v.end() || !it->is_object() || !it->contains("kvm_works")) return std::nullopt;
  if (!(*it)["kvm_works"].is_boolean()) return std::nullopt;
  return (*it)["kvm_works"].get<bool>();
}

void AccelSelector::save_verdict(bool kvm_works, std::string_view reason) {
  json j = json::object();
  if (auto text = read_file(opts_.cache_file)) {
    auto old = json_read::parse(*text);
    if (old && old->is_object()) j = std::move(*old);
  }
  if (!j.contains("verdicts") || !j["verdicts"].is_object()) j["verdicts"] = json::object();
  j["verdicts"][verdict_key()] = {{"kvm_works", kvm_works}, {"reason", std::string(reason)}};
  // A cache write failing only costs a probe next time; it must not fail the run.
  auto w = write_file_atomic(opts_.cache_file, dump_json(j, 2) + "\n");
  if (!w) say("warning: cannot save the accelerator verdict: " + w.error().str());
}

}  // namespace vmtest
