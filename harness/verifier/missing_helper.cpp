// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/missing_helper.h"

#include "verifier/log_lines.h"

namespace vmtest {
using namespace logscan;

namespace {

// "NAME#ID" after "unknown func " / "invalid func ".
std::optional<std::string> helper_name(std::string_view s) {
  auto hash = s.find('#');
  if (hash == std::string_view::npos || hash == 0) return std::nullopt;
  auto name = s.substr(0, hash);
  if (name.find(' ') != std::string_view::npos) return std::nullopt;
  auto id_part = s.substr(hash + 1);
  auto id = eat_int(id_part);
  if (name == "unknown") {
    if (!id) return std::nullopt;
    return "helper#" + std::to_string(*id);
  }
  return std::string(name);
}

std::optional<std::string> from_line(std::string_view line) {
  line = trim(line);
  std::string_view s = line;
  if (eat(s, "unknown func ") || eat(s, "invalid func ")) return helper_name(s);

  s = line;
  if (eat(s, "calling kernel function ")) {
    auto end = s.find(" is not allowed");
    if (end != std::string_view::npos && end > 0) return std::string(s.substr(0, end));
  }

  s = line;
  if (eat(s, "kernel btf_id ")) {
    std::string_view num = s;
    auto id = eat_int(num);
    if (id && (eat(num, " not found") || eat(num, " is not a function")))
      return "btf_id " + std::to_string(*id);
  }

  // libbpf resolves kfunc externs before the kernel sees the program; its message may be in
  // the same buffer when the loader captured libbpf's output.
  auto ext = line.find("extern (func ksym) '");
  if (ext != std::string_view::npos) {
    s = line.substr(ext + 20);
    auto quote = s.find('\'');
    if (quote != std::string_view::npos && quote > 0 &&
        s.substr(quote).find("not found") != std::string_view::npos)
      return std::string(s.substr(0, quote));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> missing_helper(std::string_view log) {
  // The verifier stops at its first error, so the first match is the cause.
  for (auto line : split_lines(log))
    if (auto name = from_line(line)) return name;
  return std::nullopt;
}

}  // namespace vmtest
