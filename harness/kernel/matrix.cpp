// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/matrix.h"

#include "core/fs.h"
#include "kernel/source_registry.h"

#include <algorithm>
#include <set>
#include <yaml-cpp/yaml.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

std::string at(const YAML::Node& n) {
  return SourceSpec::line_of(n);
}

void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
               const std::string& ctx) {
  SourceSpec spec;
  spec.node = map;
  spec.where = ctx;
  spec.only_keys(allowed);
}

std::string str(const YAML::Node& map, const char* key, const std::string& ctx) {
  SourceSpec spec;
  spec.node = map;
  spec.where = ctx;
  return spec.str(key);
}

std::vector<std::string> str_list(const YAML::Node& map, const char* key, const std::string& ctx) {
  SourceSpec spec;
  spec.node = map;
  spec.where = ctx;
  return spec.str_list(key);
}

// Each element of `sources:` (or the single `source:` map) is a map with exactly one key,
// the kind.
std::shared_ptr<const KernelSource> parse_one(const YAML::Node& n, const std::string& row,
                                              const std::string& ctx, const fs::path& base_dir,
                                              const LockFile& lock, const std::string& lock_origin,
                                              bool canary, Arch arch) {
  if (!n.IsMap() || n.size() != 1)
    throw SpecError{"each source must be a map with exactly one of " + known_source_kinds(),
                    ctx + " " + at(n)};
  const auto& kv = *n.begin();
  SourceSpec spec;
  spec.row = row;
  spec.node = kv.second;
  spec.where = ctx;
  spec.base_dir = base_dir;
  spec.arch = arch;
  const std::string kind = kv.first.as<std::string>();
  spec.pin = lock.find(row, kind);
  spec.lock_where = lock_origin + ": kernel '" + row + "'";
  spec.canary = canary;
  return parse_source(kind, spec);
}

KernelRow parse_row(const YAML::Node& n, const std::string& origin, const fs::path& base_dir,
                    const LockFile& lock, const std::string& lock_origin) {
  if (!n.IsMap()) throw SpecError{"each kernel must be a map", origin + " " + at(n)};
  const std::string name = str(n, "name", origin);
  const std::string ctx = origin + ": kernel '" + name + "'";
  only_keys(n, {"name", "description", "canary", "arch", "source", "sources"}, ctx);
  KernelRow row;
  row.name = name;
  row.description = str(n, "description", ctx);
  if (const YAML::Node c = n["canary"]) {
    if (!c.IsScalar() || (c.Scalar() != "true" && c.Scalar() != "false"))
      throw SpecError{"'canary' must be true or false", ctx + " " + at(c)};
    row.canary = c.Scalar() == "true";
  }
  if (n["arch"]) {
    const std::string arch = str(n, "arch", ctx);
    const auto parsed = parse_arch(arch);
    if (!parsed)
      throw SpecError{"unknown arch '" + arch + "' (expected " + known_arches() + ")",
                      ctx + " " + at(n["arch"])};
    row.arch = *parsed;
  }
  const YAML::Node one = n["source"], many = n["sources"];
  if (one && many) throw SpecError{"give 'source' or 'sources', not both", ctx + " " + at(n)};
  if (one) {
    row.sources.push_back(
        parse_one(one, name, ctx, base_dir, lock, lock_origin, row.canary, row.arch));
  } else if (many && many.IsSequence() && many.size() > 0) {
    for (const auto& s : many)
      row.sources.push_back(
          parse_one(s, name, ctx, base_dir, lock, lock_origin, row.canary, row.arch));
  } else {
    throw SpecError{"'sources' must be a non-empty list (or give one 'source')",
                    ctx + " " + at(many ? many : n)};
  }
  // What a canary follows is a Debian series' newest package; other kinds have no "newest".
  if (row.canary && (row.sources.size() != 1 || row.sources[0]->kind() != "debian"))
    throw SpecError{"a canary row takes exactly one debian source (it follows that series' "
                    "newest package)",
                    ctx + " " + at(n)};
  // Pins are keyed by kind, so two sources of one kind in a row would share a pin.
  std::set<std::string> kinds;
  for (const auto& s : row.sources)
    if (!kinds.insert(s->kind()).second)
      throw SpecError{"lists two '" + s->kind() + "' sources; a row may list each kind once",
                      ctx + " " + at(n)};
  return row;
}

} // namespace

const KernelSource* KernelRow::source_of(std::string_view kind) const {
  for (const auto& s : sources)
    if (s->kind() == kind) return s.get();
  return nullptr;
}

std::string KernelRow::kinds() const {
  std::string s;
  for (const auto& src : sources)
    s += (s.empty() ? "" : ", ") + src->kind();
  return s;
}

const KernelRow* Matrix::find(std::string_view name) const {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

Result<Matrix> parse_matrix(std::string_view yaml_text, const std::string& origin,
                            const fs::path& base_dir, const LockFile& lock,
                            const std::string& lock_origin) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root.IsMap())
      throw SpecError{"top level must be a map with 'kernels' and 'defaults'", origin};
    only_keys(root, {"defaults", "kernels"}, origin);
    const YAML::Node kernels = root["kernels"];
    if (!kernels || !kernels.IsSequence() || kernels.size() == 0)
      throw SpecError{"'kernels' must be a non-empty list", origin};

    Matrix m;
    for (const auto& n : kernels) {
      KernelRow row = parse_row(n, origin, base_dir, lock, lock_origin);
      if (m.find(row.name))
        throw SpecError{"duplicate kernel '" + row.name + "'", origin + " " + at(n)};
      m.rows.push_back(std::move(row));
    }

    if (root["defaults"]) {
      std::set<std::string> seen;
      for (auto& d : str_list(root, "defaults", origin)) {
        if (!m.find(d)) throw SpecError{"defaults names unknown kernel '" + d + "'", origin};
        if (!seen.insert(d).second) throw SpecError{"defaults lists '" + d + "' twice", origin};
        m.defaults.push_back(d);
      }
    } else {
      for (const auto& r : m.rows)
        m.defaults.push_back(r.name);
    }
    return m;
  } catch (const SpecError& e) {
    return Error{e.what, e.where};
  } catch (const YAML::Exception& e) {
    // e.what() already carries "yaml-cpp: error at line N, column M: ...".
    return Error{std::string("invalid YAML: ") + e.what(), origin};
  }
}

Result<Matrix> load_matrix(const fs::path& matrix_yaml, const fs::path& lock_json) {
  auto text = read_file(matrix_yaml);
  if (!text) return text.error();
  auto lock = load_lock(lock_json);
  if (!lock) return lock.error();
  return parse_matrix(*text, matrix_yaml.string(), matrix_yaml.parent_path(), *lock,
                      lock_json.string());
}

} // namespace vmtest
