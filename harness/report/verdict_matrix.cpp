// SPDX-License-Identifier: BSD-2-Clause
#include "report/verdict_matrix.h"

#include "report/markdown_escape.h"

#include <cstring>
#include <map>
#include <set>
#include <sstream>

namespace vmtest {
namespace {

std::string errno_name(int e) {
  switch (e) {
  case EPERM:
    return "EPERM";
  case ENOENT:
    return "ENOENT";
  case E2BIG:
    return "E2BIG";
  case EACCES:
    return "EACCES";
  case EFAULT:
    return "EFAULT";
  case EINVAL:
    return "EINVAL";
  case ENOSPC:
    return "ENOSPC";
  case ENOTSUP:
    return "EOPNOTSUPP";
  case 524:
    return "ENOTSUPP";
  default:
    return "errno " + std::to_string(e);
  }
}

} // namespace

std::string render_verdict_matrix(const RunResults& results) {
  std::vector<const KernelResult*> kernels;
  for (const auto& k : results.kernels)
    if (k.status == KernelStatus::Ok) kernels.push_back(&k);
  // (object, program) -> kernel -> cell, in name order.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> rows;
  for (const auto* k : kernels)
    for (const auto& o : k->objects) {
      if (!o.error.empty()) rows[{o.name, "(object unreadable)"}][k->name] = "⚠️ unreadable";
      for (const auto& p : o.programs) {
        const auto& insns = p.metrics[Metric::InsnsProcessed];
        std::string cell = p.verdict == Verdict::Accepted
                               ? "✅ " + (insns ? std::to_string(*insns) : "")
                               : "❌ " + errno_name(p.err);
        rows[{o.name, p.name}][k->name] = cell;
      }
    }
  std::ostringstream out;
  out << "| object | program |";
  for (const auto* k : kernels)
    out << " " << markdown_table_name(k->name) << " |";
  out << "\n|---|---|";
  for (size_t i = 0; i < kernels.size(); ++i)
    out << "---|";
  out << "\n";
  for (const auto& [key, cells] : rows) {
    // Names are bytes from the corpus: escaped, so a '|' or '<' cannot reshape the table.
    out << "| " << markdown_table_name(key.first) << " | " << markdown_table_name(key.second)
        << " |";
    for (const auto* k : kernels) {
      auto it = cells.find(k->name);
      out << " " << (it == cells.end() ? "—" : it->second) << " |";
    }
    out << "\n";
  }
  return out.str();
}

} // namespace vmtest
