// SPDX-License-Identifier: BSD-2-Clause
// vmtest merge: combine results.json files from shards or per-kernel CI jobs into one, equal
// to what a single unsharded run would have written. The full verifier logs each input's
// results name (OUT/logs/<kernel>/..., relative to that results.json) are copied next to the
// merged file, so the gate's report, written there, links to files its artifact holds.
#include "cli/run_args.h"
#include "cli/settings.h"
#include "core/fs.h"
#include "results/byte_text.h"
#include "run/shard.h"

#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;
namespace {

struct MergeArgs {
  MatrixOptions matrix;
  std::vector<fs::path> inputs;
  fs::path out = "vmtest-out/results.json";
};

// A results file names its logs relative to its own folder; a name that could leave the
// folder (absolute, or with ..) is not followed.
bool safe_relative(const std::string& rel) {
  const fs::path p(rel);
  if (rel.empty() || p.is_absolute()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

// Copies every full log the parts name into `to`; returns how many, or an error naming a
// log that is listed but cannot be copied (a missing file stays a broken link otherwise).
size_t carry_full_logs(const std::vector<fs::path>& inputs, const std::vector<RunResults>& parts,
                       const fs::path& to) {
  size_t copied = 0;
  std::error_code ec;
  for (size_t i = 0; i < parts.size(); ++i) {
    const fs::path from = fs::absolute(inputs[i], ec).parent_path();
    for (const auto& k : parts[i].kernels)
      for (const auto& o : k.objects)
        for (const auto& p : o.programs) {
          const std::string& rel = p.full_log.file;
          if (p.full_log.empty() || rel.empty()) continue;
          if (!safe_relative(rel))
            throw FatalError(inputs[i].string() + ": full log path '" + rel +
                             "' leaves the results folder");
          const fs::path src = from / rel, dst = to / rel;
          if (fs::equivalent(src, dst, ec)) continue; // merged in place
          if (!fs::exists(src, ec)) {
            std::fprintf(stderr, "vmtest: warning: %s names %s, which is not there\n",
                         inputs[i].c_str(), src.c_str());
            continue;
          }
          fs::create_directories(dst.parent_path(), ec);
          fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
          if (ec)
            throw FatalError("copying the full log " + src.string() + " to " + dst.string() +
                             ": " + ec.message());
          ++copied;
        }
  }
  return copied;
}

int do_merge(const MergeArgs& a) {
  std::vector<RunResults> parts;
  for (const auto& p : a.inputs)
    parts.push_back(load_results_or_throw(p));
  std::vector<std::string> order;
  // Rows in matrix order; a matrix that cannot be read only loses the ordering.
  try {
    for (const auto& r : load_matrix_or_throw(a.matrix).rows)
      order.push_back(r.name);
  } catch (const FatalError&) {
  }
  auto merged = merge_results(parts, order);
  if (!merged) throw FatalError(merged.error().str());
  if (auto w = write_file_atomic(a.out, dump_json(nlohmann::json(*merged), 2) + "\n"); !w)
    throw FatalError(w.error().str());
  std::error_code ec;
  const size_t logs = carry_full_logs(a.inputs, parts, fs::absolute(a.out, ec).parent_path());
  std::fprintf(stderr, "vmtest: merged %zu file(s), %zu kernel(s) into %s (%zu full log(s))\n",
               a.inputs.size(), merged->kernels.size(), a.out.c_str(), logs);
  return 0;
}

} // namespace

void add_merge_command(CLI::App& app, CommandList& out) {
  auto m = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "Combine results.json files from shards or CI jobs");
  add_matrix_options(cmd, m->matrix);
  cmd->add_option("inputs", m->inputs, "results.json files")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", m->out, "Merged results file")->capture_default_str();
  out.push_back({cmd, [m, cmd] {
                   apply_settings(*cmd, {&m->matrix, nullptr, nullptr, nullptr});
                   return do_merge(*m);
                 }});
}

} // namespace vmtest
