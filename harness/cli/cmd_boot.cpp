// SPDX-License-Identifier: BSD-2-Clause
// vmtest boot: boot one matrix kernel with any initramfs and report how it ended
// (app/boot.h); this file holds its flags and prints the outcome.
#include "app/boot.h"
#include "cli/command.h"
#include "cli/settings.h"
#include "results/byte_text.h"
#include "run/progress.h"
#include "run/real_stages.h"

#include <cstdio>
#include <memory>

namespace vmtest {
namespace {

struct BootArgs {
  MatrixOptions matrix;
  std::string kernel;
  std::filesystem::path initrd;
  std::filesystem::path work = "vmtest-out/boot";
  int timeout_s = 60;
  std::string accel = "auto";
  bool json = false;
};

int do_boot(const BootArgs& a) {
  Matrix matrix = load_matrix_or_throw(a.matrix);
  auto progress = make_progress(stderr);
  RealStages stages(cache_dir_of(a.matrix), a.matrix.kernel_dir, *progress);
  BootRequest req;
  req.kernel = a.kernel;
  req.initrd = a.initrd;
  req.work = a.work;
  req.timeout = std::chrono::seconds(a.timeout_s);
  req.accel = a.accel;
  auto booted = boot_one(matrix, req, stages);
  if (!booted) throw FatalError(booted.error().str());
  const VmOutcome& o = *booted;
  if (a.json) {
    std::printf("%s\n", dump_json(nlohmann::json{{"kernel", a.kernel},
                                                 {"status", o.status},
                                                 {"accel", o.accel},
                                                 {"seconds", o.seconds},
                                                 {"error", o.error}})
                            .c_str());
  } else {
    std::printf("%s: %s after %.3f s (%s)%s%s\n", a.kernel.c_str(), to_string(o.status), o.seconds,
                o.accel.c_str(), o.error.empty() ? "" : ": ", o.error.c_str());
    if (!o.ok())
      for (const auto& l : o.console_tail)
        std::printf("  | %s\n", l.c_str());
  }
  return boot_exit_code(o);
}

} // namespace

void add_boot_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<BootArgs>();
  auto* cmd = app.add_subcommand("boot", "Boot one kernel of the matrix with any initramfs");
  add_matrix_options(cmd, a->matrix);
  cmd->add_option("-k,--kernel", a->kernel, "Kernel row, e.g. 6.1")->required();
  cmd->add_option("--initrd", a->initrd, "Initramfs (see `vmtest image`)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--work", a->work, "Where console.log is written")->capture_default_str();
  cmd->add_option("--timeout", a->timeout_s, "Seconds before the VM is killed")
      ->capture_default_str();
  cmd->add_option("--accel", a->accel, "auto, kvm or tcg")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  cmd->add_flag("--json", a->json, "Print one JSON line");
  out.push_back({cmd, [a, cmd] {
                   apply_settings(*cmd, {&a->matrix, nullptr, nullptr, nullptr});
                   return do_boot(*a);
                 }});
}

} // namespace vmtest
