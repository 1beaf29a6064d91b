// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The guest image: an initramfs whose /init is vmtest-guest, plus the BPF objects and the
// manifest that tells the agent what to run. One image serves every kernel of a run.
#include "core/arch.h"
#include "core/result.h"
#include "results/manifest.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace vmtest {

struct GuestObject {
  std::string name; // file name in the image, unique
  std::filesystem::path source;
  std::vector<TestCase> cases;
  std::vector<Preset> presets;
};

// A kernel of the run whose config the capability probe should see.
struct GuestKernelConfig {
  std::filesystem::path vmlinuz; // its release names the file: /boot/config-<release>
  std::filesystem::path config;
};

struct GuestImageSpec {
  // The guests' architecture: the agent and bpftool must be built for it (checked, so a
  // mismatch is a clear error here rather than "No working init found" in a guest).
  Arch arch = Arch::x86_64;
  std::filesystem::path agent; // static vmtest-guest binary
  std::vector<GuestObject> objects;
  int log_tail_lines = 20;
  bool isolated_loads = false; // Manifest::isolated_loads
  FullLogPlan full_logs;        // Manifest::full_logs
  // Capability probe: the host's bpftool, copied to /usr/sbin/bpftool with the libraries it
  // needs under their own paths; empty: the guest does not probe.
  std::filesystem::path bpftool;
  std::vector<GuestKernelConfig> kernel_configs;
};

// Where the guest finds bpftool.
inline constexpr const char* kGuestBpftool = "/usr/sbin/bpftool";

// The manifest as the agent sees it inside the image (objects under /objects/).
Manifest guest_manifest(const GuestImageSpec& spec);
Result<void> build_guest_image(const GuestImageSpec& spec, const std::filesystem::path& out);

// Guest memory for an initramfs of `image_bytes`: at least `floor_mb`, and enough that the
// kernel can hold the image and unpack it (see the .cpp). A corpus with one 200 MB object
// otherwise fails to unpack in 512 MB and every object after it goes missing.
int guest_memory_mb(std::uintmax_t image_bytes, int floor_mb);

} // namespace vmtest
