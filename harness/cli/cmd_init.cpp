// SPDX-License-Identifier: BSD-2-Clause
// vmtest init: writes a commented starter vmtest.yaml in the current directory.
#include "cli/command.h"
#include "cli/project_file.h"
#include "core/fs.h"

#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct InitArgs {
  fs::path dir = ".";
  bool force = false;
};

int do_init(const InitArgs& a) {
  const fs::path path = a.dir / kProjectFileName;
  std::error_code ec;
  if (fs::exists(path, ec) && !a.force)
    throw FatalError(path.string() + " already exists (pass --force to overwrite it)");
  if (auto w = write_file_atomic(path, starter_project_file()); !w)
    throw FatalError(w.error().str());
  std::printf("wrote %s\n"
              "next: point 'corpus' at your built BPF objects, check with `vmtest config`, then\n"
              "record baselines with `vmtest baseline update` and commit both.\n",
              path.c_str());
  return 0;
}

} // namespace

void add_init_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<InitArgs>();
  auto* cmd = app.add_subcommand("init", "Write a commented starter vmtest.yaml here");
  cmd->add_option("--dir", a->dir, "Folder to write vmtest.yaml into")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("--force", a->force, "Overwrite an existing vmtest.yaml");
  out.push_back({cmd, [a] { return do_init(*a); }});
}

} // namespace vmtest
