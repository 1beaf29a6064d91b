// SPDX-License-Identifier: BSD-2-Clause
#include "image/guest_image.h"

#include "image/bzimage.h"
#include "image/initramfs_writer.h"
#include "image/shared_libs.h"
#include "results/byte_text.h"

#include <algorithm>
#include <set>

namespace vmtest {
namespace fs = std::filesystem;

Manifest guest_manifest(const GuestImageSpec& spec) {
  Manifest m;
  m.log_tail_lines = spec.log_tail_lines;
  m.isolated_loads = spec.isolated_loads;
  m.full_logs = spec.full_logs;
  for (const auto& o : spec.objects)
    m.objects.push_back({o.name, "/objects/" + o.name, o.cases, o.presets});
  if (!spec.bpftool.empty()) m.bpftool = kGuestBpftool;
  return m;
}

namespace {

// Adds every missing parent directory of `path` (relative, no leading slash).
void add_parents(InitramfsWriter& w, std::set<std::string>& dirs, const std::string& path) {
  for (size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (dirs.insert(dir).second) w.add_dir(dir);
  }
}

// bpftool and its shared libraries (about 3 MB, mostly libc), plus each kernel's config so
// the probe can report the BPF-relevant CONFIG_ flags.
Result<void> add_capability_probe(InitramfsWriter& w, std::set<std::string>& dirs,
                                  const GuestImageSpec& spec) {
  auto libs = runtime_libraries(spec.bpftool);
  if (!libs) return libs.error().wrap("bundling bpftool for the capability probe");
  std::string target = std::string(kGuestBpftool).substr(1);
  add_parents(w, dirs, target);
  if (auto r = w.add_file_from(target, spec.bpftool, 0755); !r) return r;
  // A relocatable bpftool (the release tarball's) finds its own libraries through an $ORIGIN
  // rpath: they keep their place relative to bpftool, so the same rpath finds them in the guest.
  const auto origin_dirs = origin_library_dirs(spec.bpftool);
  const fs::path host_dir = fs::absolute(spec.bpftool).parent_path();
  for (const auto& lib : *libs) {
    std::string rel = lib.relative_path().string();
    if (std::find(origin_dirs.begin(), origin_dirs.end(), lib.parent_path()) != origin_dirs.end())
      rel = (fs::path(kGuestBpftool).parent_path() / lib.lexically_relative(host_dir))
                .lexically_normal()
                .relative_path()
                .string();
    add_parents(w, dirs, rel);
    if (auto r = w.add_file_from(rel, lib, 0755); !r) return r;
  }
  std::set<std::string> releases;
  for (const auto& kc : spec.kernel_configs) {
    // A kernel whose release cannot be read still boots and probes; it only lacks the
    // CONFIG_ flags in its capabilities, which the matrix shows as unknown.
    auto release = kernel_image_release(kc.vmlinuz);
    if (!release || kc.config.empty() || !releases.insert(*release).second) continue;
    add_parents(w, dirs, "boot/x");
    if (auto r = w.add_file_from("boot/config-" + *release, kc.config); !r) return r;
  }
  return {};
}

// An ELF `what` (the agent, bpftool) must be built for `arch`. Files that are not ELF (a
// script as /init) are not judged here.
Result<void> check_built_for(Arch arch, const std::filesystem::path& file, const std::string& what) {
  auto deps = read_elf_deps(file);
  if (!deps || deps->machine == elf_machine(arch)) return {};
  auto built = arch_of_elf_machine(deps->machine);
  return Error{what + " is built for " +
                   (built ? std::string(to_string(*built))
                          : "ELF machine " + std::to_string(deps->machine)) +
                   ", but the guest is " + std::string(to_string(arch)),
               file.string()};
}

} // namespace

int guest_memory_mb(std::uintmax_t image_bytes, int floor_mb) {
  // While it unpacks, the kernel holds the image and its unpacked copy in rootfs (a tmpfs
  // capped at half the memory); then the agent reads objects from that copy. So: 3 copies,
  // plus 256 MB for the kernel, the vmlinux BTF libbpf parses and the agent itself. Under
  // TCG guest memory costs nothing until touched, so a generous figure is cheap.
  constexpr std::uintmax_t kMb = 1024 * 1024;
  const std::uintmax_t image_mb = (image_bytes + kMb - 1) / kMb;
  std::uintmax_t need = 256 + 3 * image_mb;
  need = (need + 63) / 64 * 64; // whole 64 MB steps read better in messages
  return static_cast<int>(std::max<std::uintmax_t>(need, static_cast<std::uintmax_t>(floor_mb)));
}

Result<void> build_guest_image(const GuestImageSpec& spec, const std::filesystem::path& out) {
  InitramfsWriter w;
  std::set<std::string> dirs{"dev", "proc", "sys", "tmp", "vmtest", "objects"};
  for (const auto& d : dirs)
    w.add_dir(d);
  // The kernel opens /dev/console for init's stdio before init can mount devtmpfs.
  w.add_char_device("dev/console", 5, 1);
  if (auto c = check_built_for(spec.arch, spec.agent, "the guest agent"); !c) return c;
  if (!spec.bpftool.empty())
    if (auto c = check_built_for(spec.arch, spec.bpftool, "bpftool"); !c) return c;
  if (auto r = w.add_file_from("init", spec.agent, 0755); !r) return r.error();
  w.add_file("vmtest/manifest.json", dump_json(nlohmann::json(guest_manifest(spec))));
  for (const auto& o : spec.objects) {
    // Objects found in subfolders keep their relative path; the cpio needs each parent folder.
    for (size_t slash = o.name.find('/'); slash != std::string::npos;
         slash = o.name.find('/', slash + 1))
      if (dirs.insert("objects/" + o.name.substr(0, slash)).second)
        w.add_dir("objects/" + o.name.substr(0, slash));
    if (auto r = w.add_file_from("objects/" + o.name, o.source); !r) return r.error();
  }
  if (!spec.bpftool.empty())
    if (auto r = add_capability_probe(w, dirs, spec); !r) return r;
  // A run's own image, packed again by the next run: not worth an fsync of megabytes.
  return w.write(out, Durability::Replace);
}

} // namespace vmtest
