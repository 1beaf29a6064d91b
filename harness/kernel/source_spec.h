// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// What a source kind's parser gets from kernels/matrix.yaml and kernels/matrix.lock.json, and
// the field readers every kind shares. A parser reports a problem by throwing SpecError, which
// parse_matrix turns into an Error naming the file, the row and the line.
#include "core/arch.h"

#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace vmtest {

struct SpecError {
  std::string what;
  std::string where;
};

struct SourceSpec {
  std::string row;                // matrix row name
  YAML::Node node;                // the map under the kind's key, e.g. {package:, suites:}
  std::string where;              // "kernels/matrix.yaml: kernel '6.1'", for errors
  std::filesystem::path base_dir; // relative paths resolve against the matrix's directory
  nlohmann::json pin;             // this kind's entry for the row in the lock; null if none
  std::string lock_where;         // "kernels/matrix.lock.json: kernel '6.1'", for pin errors
  bool canary = false;            // the row follows the newest kernel of a series (matrix.h)
  Arch arch = Arch::x86_64;       // the row's `arch:`; sources that fetch per arch use it

  // "line 12" of a node, for errors.
  static std::string line_of(const YAML::Node& n);
  std::string at() const { return where + " " + line_of(node); }

  // Every key of the map must be one of `allowed` (typos are errors, not silent defaults).
  void only_keys(std::initializer_list<const char*> allowed) const;
  // A string field; a missing or empty required one is an error.
  std::string str(const char* key, bool required = true) const;
  std::vector<std::string> str_list(const char* key) const;
  // Empty, or 64 lowercase hex digits.
  void check_sha256(const std::string& value, const char* what) const;
  // A string field of the lock pin ("" when absent); wrong types are errors.
  std::string pin_str(const char* key) const;
};

} // namespace vmtest
