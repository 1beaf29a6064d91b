// SPDX-License-Identifier: BSD-2-Clause
#include "app/merge.h"

#include "core/fs.h"
#include "results/byte_text.h"
#include "run/shard.h"

namespace vmtest {
namespace fs = std::filesystem;

namespace {

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
Result<size_t> carry_full_logs(const std::vector<fs::path>& inputs,
                               const std::vector<RunResults>& parts, const fs::path& to,
                               const Say& say) {
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
            return Error{
                inputs[i].string() + ": full log path '" + rel + "' leaves the results folder", ""};
          const fs::path src = from / rel, dst = to / rel;
          if (fs::equivalent(src, dst, ec)) continue; // merged in place
          if (!fs::exists(src, ec)) {
            say("warning: " + inputs[i].string() + " names " + src.string() +
                ", which is not there");
            continue;
          }
          fs::create_directories(dst.parent_path(), ec);
          fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
          if (ec)
            return Error{"copying the full log " + src.string() + " to " + dst.string() + ": " +
                             ec.message(),
                         ""};
          ++copied;
        }
  }
  return copied;
}

} // namespace

Result<RunResults> read_results(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_results(*text, path.string());
}

Result<Merged> merge_files(const std::vector<fs::path>& inputs,
                           const std::vector<std::string>& row_order, const fs::path& out,
                           const Say& say) {
  std::vector<RunResults> parts;
  for (const auto& p : inputs) {
    auto r = read_results(p);
    if (!r) return r.error();
    parts.push_back(std::move(*r));
  }
  auto merged = merge_results(parts, row_order);
  if (!merged) return merged.error();
  if (auto w = write_file_atomic(out, dump_json(nlohmann::json(*merged), 2) + "\n"); !w)
    return w.error();
  std::error_code ec;
  auto logs = carry_full_logs(inputs, parts, fs::absolute(out, ec).parent_path(), say);
  if (!logs) return logs.error();
  return Merged{std::move(*merged), *logs};
}

} // namespace vmtest
