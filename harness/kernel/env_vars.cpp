// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/env_vars.h"

#include <cstdlib>

namespace vmtest {

std::string process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}

namespace {
// Calls `on_var(name)` for each ${name} and `on_text(chunk)` for the text between them.
template <typename V, typename T>
void walk(const std::string& text, V on_var, T on_text) {
  size_t pos = 0;
  for (;;) {
    const size_t open = text.find("${", pos);
    const size_t close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) {
      on_text(text.substr(pos));
      return;
    }
    on_text(text.substr(pos, open - pos));
    on_var(text.substr(open + 2, close - open - 2));
    pos = close + 1;
  }
}
} // namespace

std::vector<std::string> missing_env_vars(const std::string& text, const EnvLookup& env) {
  std::vector<std::string> out;
  walk(
      text, [&](const std::string& v) { if (env(v).empty()) out.push_back(v); },
      [](const std::string&) {});
  return out;
}

Result<std::string> expand_env_vars(const std::string& text, const EnvLookup& env) {
  if (auto missing = missing_env_vars(text, env); !missing.empty())
    return Error{"$" + missing.front() + " is not set (needed by '" + text + "')", ""};
  std::string out;
  walk(
      text,
      [&](const std::string& v) {
        std::string value = env(v);
        while (!value.empty() && value.back() == '/') value.pop_back();
        out += value;
      },
      [&](const std::string& t) { out += t; });
  return out;
}

} // namespace vmtest
