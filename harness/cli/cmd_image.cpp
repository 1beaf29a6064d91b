// SPDX-License-Identifier: BSD-2-Clause
// vmtest image: pack files into an initramfs (cpio newc) the way vmtest builds its guest.
// A developer tool: boot your own /init with `vmtest boot`, or build the benchmark's floor.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "image/initramfs_writer.h"

namespace vmtest {
namespace {

struct ImageArgs {
  std::filesystem::path out;
  std::vector<std::string> files;  // SRC:DEST[:MODE]
};

int do_image(const ImageArgs& a) {
  InitramfsWriter w;
  for (const char* d : {"dev", "proc", "sys", "tmp", "bin"}) w.add_dir(d);
  w.add_char_device("dev/console", 5, 1);
  for (const auto& spec : a.files) {
    auto first = spec.find(':');
    if (first == std::string::npos) throw FatalError("--file wants SRC:DEST[:MODE], got " + spec);
    std::string src = spec.substr(0, first);
    std::string dest = spec.substr(first + 1);
    unsigned mode = 0644;
    if (auto second = dest.find(':'); second != std::string::npos) {
      mode = static_cast<unsigned>(std::stoul(dest.substr(second + 1), nullptr, 8));
      dest = dest.substr(0, second);
    }
    if (auto r = w.add_file_from(dest, src, mode); !r) throw FatalError(r.error().str());
  }
  if (auto r = w.write(a.out); !r) throw FatalError(r.error().str());
  std::fprintf(stderr, "vmtest: wrote %s (%zu entries)\n", a.out.c_str(), w.entry_count());
  return 0;
}

}  // namespace

void add_image_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<ImageArgs>();
  auto* cmd = app.add_subcommand("image", "Pack files into an initramfs (cpio newc) for `vmtest boot`");
  cmd->add_option("-o,--out", a->out, "Output file")->required();
  cmd->add_option("-f,--file", a->files, "SRC:DEST[:MODE] (octal mode; e.g. ./init:/init:755)")
      ->required();
  out.push_back({cmd, [a] { return do_image(*a); }});
}

}  // namespace vmtest
