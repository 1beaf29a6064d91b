// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/log_tail.h"

#include "verifier/log_lines.h"

namespace vmtest {

std::vector<std::string> log_tail(std::string_view log, size_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  log = logscan::until_nul(log);
  // Walk backwards so a multi-megabyte log costs only its tail.
  size_t end = log.size();
  while (end > 0 && out.size() < n) {
    auto nl = log.rfind('\n', end - 1);
    size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
    auto line = log.substr(begin, end - begin);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    if (!logscan::trim(line).empty()) out.emplace_back(line);
    if (nl == std::string_view::npos) break;
    end = nl;
  }
  return {out.rbegin(), out.rend()};
}

}  // namespace vmtest
