// SPDX-License-Identifier: BSD-2-Clause
// vmtest config: the settings in effect here and where each came from (a flag, vmtest.yaml and
// its key, or the default), plus the kernel rows a run would boot. `--rows-json` prints those
// rows as a GitHub Actions matrix, which is how the action fans out one job per kernel.
#include "app/paths.h"
#include "cli/run_args.h"
#include "cli/settings.h"
#include "cli/verdict_print.h"
#include "results/byte_text.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct ConfigArgs {
  RunArgs run;
  GateArgs gate;
  OutputArgs out;
  bool rows_json = false;
  int shards = 1;
};

// The rows a run boots (run/controller.h, select_kernels). A row the matrix does not have is a
// usage error (exit 2), as `vmtest run` says: listing it would fan the action out into a job
// that can only fail.
std::vector<std::string> selected_rows(const ConfigArgs& a, const Matrix& m) {
  const KernelSelection s = select_kernels(m, a.run.opts.kernels);
  if (auto known = check_kernel_names(m, s.names); !known) throw FatalError(known.error().str());
  return s.names;
}

int print_rows_json(const ConfigArgs& a, const Matrix& m) {
  nlohmann::json j;
  j["kernel"] = selected_rows(a, m);
  std::vector<std::string> shards;
  for (int i = 1; i <= a.shards; ++i)
    shards.push_back(std::to_string(i) + "/" + std::to_string(a.shards));
  j["shard"] = shards;
  std::printf("%s\n", dump_json(j).c_str());
  return 0;
}

int do_config(ConfigArgs& a, const CLI::App& cmd) {
  const auto settings = apply_settings(cmd, {nullptr, &a.run, &a.gate, &a.out});
  const Matrix matrix = load_matrix_or_throw(a.run.matrix);
  if (a.rows_json) return print_rows_json(a, matrix);

  const ProjectFile* pf = current_project();
  std::error_code ec;
  std::printf("project file:  %s\n",
              pf ? pf->path.c_str()
                 : ("none (no vmtest.yaml in " + fs::current_path(ec).string() +
                    " or above; `vmtest init` writes one)")
                       .c_str());
  const fs::path data = data_dir();
  std::printf("bundled data:  %s\n", data.empty() ? "(not found next to vmtest)" : data.c_str());
  const fs::path agent = a.run.opts.agent.empty() ? default_agent_path() : a.run.opts.agent;
  std::printf("guest agent:   %s%s\n", agent.c_str(),
              fs::exists(agent, ec) ? "" : "  (missing: build vmtest-guest or set VMTEST_GUEST)");
  // Rows of another architecture boot their own build of the agent (README, "arm64 rows").
  for (const auto& r : matrix.rows) {
    if (r.arch == host_arch()) continue;
    const fs::path foreign = default_agent_path(r.arch);
    std::printf("guest agent (%s): %s%s\n", std::string(to_string(r.arch)).c_str(), foreign.c_str(),
                fs::exists(foreign, ec) ? "" : "  (missing: build vmtest-guest-aarch64)");
    break;
  }
  std::printf("kernel cache:  %s\n\n", cache_dir_of(a.run.matrix).c_str());

  size_t kw = 3, vw = 5;
  for (const auto& s : settings)
    kw = std::max(kw, s.key.size()), vw = std::max(vw, std::min<size_t>(s.value.size(), 48));
  std::printf("%-*s  %-*s  %s\n", int(kw), "KEY", int(vw), "VALUE", "FROM");
  for (const auto& s : settings)
    std::printf("%-*s  %-*s  %s\n", int(kw), s.key.c_str(), int(vw), s.value.c_str(),
                s.source.c_str());

  const auto selected = selected_rows(a, matrix);
  std::printf("\nkernel rows (* = booted by `vmtest run` without --kernel):\n");
  for (const auto& r : matrix.rows) {
    const bool on = std::find(selected.begin(), selected.end(), r.name) != selected.end();
    std::printf("  %s %-8s %-7s %s\n", on ? "*" : " ", r.name.c_str(), r.kinds().c_str(),
                r.description.c_str());
  }
  return 0;
}

} // namespace

void add_config_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<ConfigArgs>();
  auto* cmd = app.add_subcommand(
      "config", "Print the settings in effect here and where each comes from (flag, "
                "vmtest.yaml, default), and the kernel rows a run boots");
  add_run_options(cmd, a->run);
  add_gate_options(cmd, a->gate, false, false);
  add_output_options(cmd, a->out, "");
  cmd->add_flag("--rows-json", a->rows_json,
                "Print the rows a run boots as a GitHub Actions matrix: "
                "{\"kernel\":[...],\"shard\":[...]}");
  cmd->add_option("--shards", a->shards, "With --rows-json: split the corpus into N shards")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  out.push_back({cmd, [a, cmd] { return do_config(*a, *cmd); }});
}

} // namespace vmtest
