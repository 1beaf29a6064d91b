// SPDX-License-Identifier: BSD-2-Clause
#include "report/verdict_matrix.h"

#include "results/byte_text.h"

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

// A name as a table cell: bytes that are not UTF-8 as \xHH, and nothing that could end the
// cell or the row, open a code span or reach the page as HTML. Underscores and dots, common in
// names, are left alone so the table reads as it always did.
std::string cell(const std::string& name) {
  std::string out;
  for (char ch : display_text(name)) {
    switch (ch) {
    case '|':
    case '`':
    case '\\':
    case '*':
    case '[':
    case ']':
      out += '\\';
      out += ch;
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '\n':
    case '\r':
      out += ' ';
      break;
    default:
      out += ch;
    }
  }
  return out;
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
    out << " " << cell(k->name) << " |";
  out << "\n|---|---|";
  for (size_t i = 0; i < kernels.size(); ++i)
    out << "---|";
  out << "\n";
  for (const auto& [key, cells] : rows) {
    // Names are bytes from the corpus: escaped, so a '|' or '<' cannot reshape the table.
    out << "| " << cell(key.first) << " | " << cell(key.second) << " |";
    for (const auto* k : kernels) {
      auto it = cells.find(k->name);
      out << " " << (it == cells.end() ? "—" : it->second) << " |";
    }
    out << "\n";
  }
  return out.str();
}

} // namespace vmtest
