// SPDX-License-Identifier: BSD-2-Clause
// vmtest capabilities: the kernel x feature matrix from the bpftool probes recorded in one or
// more results.json files, with the features every kernel shares folded away.
#include "app/capabilities.h"
#include "capabilities/capability_matrix.h"
#include "capabilities/capability_render.h"
#include "cli/command.h"
#include "core/fs.h"
#include "core/result.h"
#include "results/byte_text.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct CapabilitiesArgs {
  std::vector<fs::path> results;
  std::vector<std::string> kernels;
  std::vector<std::string> categories;
  std::string format = "text";
  bool all = false;
};

int do_capabilities(const CapabilitiesArgs& a) {
  auto found = capability_columns(a.results, a.kernels);
  if (!found) throw FatalError(found.error().str());
  std::vector<KernelCapabilities>& columns = found->columns;
  const std::vector<std::string>& notes = found->notes;
  if (columns.empty()) {
    for (const auto& n : notes)
      std::fprintf(stderr, "vmtest: %s\n", n.c_str());
    throw FatalError("no kernel in the results has recorded capabilities");
  }
  CapabilityMatrix m = filter_categories(build_capability_matrix(columns, !a.all), a.categories);
  std::string out;
  if (a.format == "json")
    out = dump_json(capabilities_to_json(m, notes), 2) + "\n";
  else if (a.format == "csv")
    out = render_capabilities_csv(m);
  else
    out = render_capabilities_text(m, notes);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (a.format == "csv")
    for (const auto& n : notes)
      std::fprintf(stderr, "vmtest: %s\n", n.c_str());
  return 0;
}

} // namespace

void add_capabilities_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<CapabilitiesArgs>();
  auto* cmd = app.add_subcommand(
      "capabilities",
      "Print the kernel x feature matrix (program/map types, helpers, BPF config) recorded by\n"
      "'vmtest run'; features every kernel shares are folded away");
  cmd->add_option("--results", a->results,
                  "results.json to read (repeatable; default: vmtest-out/results.json)");
  cmd->add_option("-k,--kernel", a->kernels, "Only this kernel row (repeatable)");
  cmd->add_option("--format", a->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "csv"}));
  cmd->add_option("--category", a->categories,
                  "Only these categories (repeatable): config, syscall, program_type, map_type, "
                  "helper, prog_helper, misc");
  cmd->add_flag("--all", a->all, "Do not fold features that are the same on every kernel");
  out.push_back({cmd, [a] { return do_capabilities(*a); }});
}

} // namespace vmtest
