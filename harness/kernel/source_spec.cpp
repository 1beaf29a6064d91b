// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/source_spec.h"

#include "kernel/lock_file.h"

#include <algorithm>

namespace vmtest {

std::string SourceSpec::line_of(const YAML::Node& n) {
  const auto m = n.Mark();
  return m.is_null() ? "" : "line " + std::to_string(m.line + 1);
}

void SourceSpec::only_keys(std::initializer_list<const char*> allowed) const {
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      throw SpecError{"unknown key '" + key + "' (expected " + list + ")",
                      where + " " + line_of(kv.first)};
    }
  }
}

std::string SourceSpec::str(const char* key, bool required) const {
  const YAML::Node n = node[key];
  if (!n || n.IsNull()) {
    if (required) throw SpecError{std::string("missing '") + key + "'", at()};
    return {};
  }
  if (!n.IsScalar())
    throw SpecError{std::string("'") + key + "' must be a string", where + " " + line_of(n)};
  auto s = n.as<std::string>();
  if (required && s.empty())
    throw SpecError{std::string("'") + key + "' is empty", where + " " + line_of(n)};
  return s;
}

std::vector<std::string> SourceSpec::str_list(const char* key) const {
  const YAML::Node n = node[key];
  if (!n || !n.IsSequence() || n.size() == 0)
    throw SpecError{std::string("'") + key + "' must be a non-empty list", at()};
  std::vector<std::string> out;
  for (const auto& item : n) {
    if (!item.IsScalar() || item.as<std::string>().empty())
      throw SpecError{std::string("'") + key + "' entries must be non-empty strings",
                      where + " " + line_of(item)};
    out.push_back(item.as<std::string>());
  }
  return out;
}

void SourceSpec::check_sha256(const std::string& value, const char* what) const {
  if (!value.empty() && !is_sha256_hex(value))
    throw SpecError{std::string(what) + " must be 64 lowercase hex digits", at()};
}

std::string SourceSpec::pin_str(const char* key) const {
  if (!pin.is_object()) return {};
  auto it = pin.find(key);
  if (it == pin.end() || it->is_null()) return {};
  if (!it->is_string()) throw SpecError{std::string("'") + key + "' must be a string", lock_where};
  return it->get<std::string>();
}

} // namespace vmtest
