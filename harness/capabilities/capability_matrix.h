// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The kernel x feature matrix behind `vmtest capabilities`: bpftool's probe JSON (recorded per
// kernel in results.json) flattened into (category, feature) -> value, one column per kernel.
// Features that read the same on every kernel are folded away so the differences stand out.
// Pure functions over JSON; rendering lives in capability_render.h.
#include "results/results.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vmtest {

// Categories, in display order:
//   config       system_config: BPF-relevant CONFIG_ flags and bpf sysctls ("y", "m", "1";
//                "-" when unset or unknown: bpftool prints null for both)
//   syscall      syscall_config (have_bpf_syscall)
//   program_type have_<t>_prog_type           -> "<t>"
//   map_type     have_<m>_map_type            -> "<m>"
//   helper       a helper available to at least one program type -> "bpf_loop"
//   prog_helper  a helper per program type    -> "xdp:bpf_loop"
//   misc         have_<x>                     -> "<x>" (bounded loops, ISA extensions ...)
// Sections a newer bpftool may add are kept under their own name.
using CapabilityKey = std::pair<std::string, std::string>; // category, feature
using FlatCapabilities = std::map<CapabilityKey, std::string>;

// A probe read back as text: the per-image capabilities cache a run keeps beside the kernel
// cache. Untrusted like every file: depth-limited (results/json_read.h; a cache nested 200 000
// deep overflowed the stack), and it must be an object, as bpftool prints.
Result<nlohmann::json> parse_capabilities(std::string_view text, std::string_view origin);

// Flattens one kernel's `bpftool feature probe kernel -j`. Booleans become "yes"/"no".
FlatCapabilities flatten_capabilities(const nlohmann::json& probe);
// Display order of a category (unknown ones last, alphabetically).
int category_rank(const std::string& category);

// A value a kernel lacks entirely (e.g. its bpftool predates the feature).
inline constexpr const char* kUnknownValue = "?";
// A per-program-type helper on a kernel that lacks the program type itself.
inline constexpr const char* kNotApplicable = "n/a";

struct KernelCapabilities {
  std::string kernel; // column title: matrix row name
  nlohmann::json probe;
};

struct CapabilityRow {
  std::string category;
  std::string feature;
  std::vector<std::string> values; // one per kernel, in CapabilityMatrix::kernels order
};

struct CapabilityMatrix {
  std::vector<std::string> kernels;
  std::vector<CapabilityRow> rows; // by category rank, then feature
  size_t folded = 0;               // rows left out because every kernel agreed
  size_t total = 0;                // rows before folding
};

// With `fold`, rows whose values are equal across all kernels are dropped and counted ("n/a"
// values are ignored for this); a single kernel is never folded (there is nothing to compare
// it with).
CapabilityMatrix build_capability_matrix(const std::vector<KernelCapabilities>& kernels,
                                         bool fold = true);

// The probed kernels of a run, in run order, restricted to `only` when it is not empty.
// Each kernel without a probe adds a note saying why ("5.10: not probed: boot_failed").
std::vector<KernelCapabilities> collect_capabilities(const RunResults& run,
                                                     const std::vector<std::string>& only,
                                                     std::vector<std::string>& notes);

// Keeps only the shown rows of the given categories (all when empty). `folded` and `total`
// still count every category.
CapabilityMatrix filter_categories(CapabilityMatrix m, const std::vector<std::string>& categories);

} // namespace vmtest
