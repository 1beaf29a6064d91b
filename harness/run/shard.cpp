// SPDX-License-Identifier: BSD-2-Clause
#include "run/shard.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace vmtest {

Result<Shard> parse_shard(std::string_view text) {
  auto slash = text.find('/');
  Shard s;
  auto bad = [&] {
    return Error{"--shard wants I/N with 1 <= I <= N, e.g. 2/4; got '" + std::string(text) + "'",
                 ""};
  };
  if (slash == std::string_view::npos) return bad();
  auto a = text.substr(0, slash), b = text.substr(slash + 1);
  // Both the end and the error: a number too large for an int stops at its last digit with
  // result_out_of_range and leaves the target untouched, so 1/18446744073709551617 read as 1/1.
  const auto whole = [](std::string_view t, int& v) {
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    return r.ec == std::errc() && r.ptr == t.data() + t.size();
  };
  if (!whole(a, s.index) || !whole(b, s.count)) return bad();
  if (a.empty() || b.empty() || s.count < 1 || s.index < 1 || s.index > s.count) return bad();
  return s;
}

std::vector<CorpusObject> select_shard(const std::vector<CorpusObject>& corpus, Shard shard) {
  std::vector<CorpusObject> out;
  for (size_t i = 0; i < corpus.size(); ++i)
    if (static_cast<int>(i % static_cast<size_t>(shard.count)) == shard.index - 1)
      out.push_back(corpus[i]);
  return out;
}

namespace {

int status_rank(KernelStatus s) {
  // Higher is worse; the merged kernel keeps its worst status.
  if (s == KernelStatus::Ok) return 1;
  if (s == KernelStatus::Skipped) return 0;
  return 2;
}

} // namespace

Result<RunResults> merge_results(const std::vector<RunResults>& parts,
                                 const std::vector<std::string>& kernel_order) {
  RunResults out;
  std::map<std::string, KernelResult> kernels;
  std::map<std::string, std::map<std::string, std::string>> seen; // kernel -> object -> part
  for (size_t pi = 0; pi < parts.size(); ++pi) {
    const auto& part = parts[pi];
    if (part.schema_version != kResultsSchemaVersion)
      return Error{"results schema version " + std::to_string(part.schema_version) + " is not " +
                       std::to_string(kResultsSchemaVersion),
                   "input " + std::to_string(pi + 1)};
    if (out.toolchain.clang.empty()) out.toolchain = part.toolchain;
    // The merged corpus is the union of the parts'. The parts' --kernel selections are dropped
    // on purpose: after a merge the gate expects every baselined kernel, so a CI job that died
    // before writing results cannot pass unnoticed.
    if (part.corpus) {
      const bool first = !out.corpus;
      CorpusInfo& c = out.corpus ? *out.corpus : out.corpus.emplace();
      c.bundled = (first || c.bundled) && part.corpus->bundled;
      for (const auto& r : part.corpus->roots)
        if (std::find(c.roots.begin(), c.roots.end(), r) == c.roots.end()) c.roots.push_back(r);
      c.objects += part.corpus->objects;
      c.programs += part.corpus->programs;
      c.total_objects = std::max(c.total_objects, part.corpus->total_objects);
      c.files_scanned = std::max(c.files_scanned, part.corpus->files_scanned);
    }
    for (const auto& k : part.kernels) {
      auto [it, fresh] = kernels.try_emplace(k.name, k);
      KernelResult& m = it->second;
      if (fresh) {
        m.objects.clear();
      } else if (status_rank(k.status) > status_rank(m.status)) {
        // Keep the failure and its evidence; objects merged so far stay.
        auto objects = std::move(m.objects);
        m = k;
        m.objects = std::move(objects);
      } else if (m.status == KernelStatus::Skipped && k.status == KernelStatus::Ok) {
        auto objects = std::move(m.objects);
        m = k;
        m.objects = std::move(objects);
      }
      m.boot_seconds = std::max(m.boot_seconds, k.boot_seconds);
      m.wall_seconds = std::max(m.wall_seconds, k.wall_seconds);
      for (const auto& o : k.objects) {
        auto& owners = seen[k.name];
        if (auto prev = owners.find(o.name); prev != owners.end())
          return Error{"object " + o.name + " for kernel " + k.name + " appears in both " +
                           prev->second + " and input " + std::to_string(pi + 1) +
                           "; the shards overlap",
                       ""};
        owners[o.name] = "input " + std::to_string(pi + 1);
        m.objects.push_back(o);
      }
    }
  }
  auto rank = [&](const std::string& name) {
    auto it = std::find(kernel_order.begin(), kernel_order.end(), name);
    return it == kernel_order.end() ? kernel_order.size()
                                    : static_cast<size_t>(it - kernel_order.begin());
  };
  for (auto& [name, k] : kernels) {
    std::sort(k.objects.begin(), k.objects.end(),
              [](const ObjectResult& a, const ObjectResult& b) { return a.name < b.name; });
    out.kernels.push_back(std::move(k));
  }
  std::stable_sort(out.kernels.begin(), out.kernels.end(),
                   [&](const KernelResult& a, const KernelResult& b) {
                     auto ra = rank(a.name), rb = rank(b.name);
                     return ra != rb ? ra < rb : a.name < b.name;
                   });
  return out;
}

} // namespace vmtest
