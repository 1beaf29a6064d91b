#include "kernel/matrix.h"

#include "core/fs.h"

#include <algorithm>
#include <set>
#include <yaml-cpp/yaml.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

constexpr const char* kKinds[] = {"debian", "oci", "rpm", "url", "path", "build"};

std::string known_kinds() {
  std::string s;
  for (const char* k : kKinds)
    s += (s.empty() ? "" : ", ") + std::string(k);
  return s;
}

// yaml-cpp reports problems by throwing; everything below throws this and parse_matrix turns
// it into an Error, which keeps the field-by-field code free of plumbing.
struct Invalid {
  std::string what;
  std::string where;
};

std::string at(const YAML::Node& n) {
  const auto m = n.Mark();
  return m.is_null() ? "" : "line " + std::to_string(m.line + 1);
}

void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
               const std::string& ctx) {
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      throw Invalid{"unknown key '" + key + "' (expected " + list + ")", ctx + " " + at(kv.first)};
    }
  }
}

std::string str(const YAML::Node& map, const char* key, const std::string& ctx,
                bool required = true) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) throw Invalid{std::string("missing '") + key + "'", ctx + " " + at(map)};
    return {};
  }
  if (!n.IsScalar())
    throw Invalid{std::string("'") + key + "' must be a string", ctx + " " + at(n)};
  auto s = n.as<std::string>();
  if (required && s.empty())
    throw Invalid{std::string("'") + key + "' is empty", ctx + " " + at(n)};
  return s;
}

std::vector<std::string> str_list(const YAML::Node& map, const char* key, const std::string& ctx) {
  const YAML::Node n = map[key];
  if (!n || !n.IsSequence() || n.size() == 0)
    throw Invalid{std::string("'") + key + "' must be a non-empty list", ctx + " " + at(map)};
  std::vector<std::string> out;
  for (const auto& item : n) {
    if (!item.IsScalar() || item.as<std::string>().empty())
      throw Invalid{std::string("'") + key + "' entries must be non-empty strings",
                    ctx + " " + at(item)};
    out.push_back(item.as<std::string>());
  }
  return out;
}

void check_sha256(const std::string& s, const std::string& ctx) {
  if (!s.empty() && !is_sha256_hex(s)) throw Invalid{"sha256 must be 64 lowercase hex digits", ctx};
}

// A host in the repository would pin the project to one registry and leak into logs and
// caches; the host belongs to the environment ($VMTEST_OCI_REGISTRY).
void check_no_registry_host(const std::string& repository, const std::string& ctx) {
  const auto first = repository.substr(0, repository.find('/'));
  if (first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
      first == "localhost")
    throw Invalid{"oci repository '" + repository +
                      "' names a registry host; write only the repository path and set "
                      "$VMTEST_OCI_REGISTRY instead",
                  ctx};
}

KernelSource parse_source(const std::string& kind, const YAML::Node& spec, const std::string& ctx,
                          const fs::path& base_dir) {
  if (!spec.IsMap()) throw Invalid{"source '" + kind + "' must be a map", ctx + " " + at(spec)};
  if (kind == "debian") {
    only_keys(spec, {"package", "suites"}, ctx);
    return DebianSource{str(spec, "package", ctx), str_list(spec, "suites", ctx)};
  }
  if (kind == "oci") {
    only_keys(spec, {"repository", "tag"}, ctx);
    OciSource s{str(spec, "repository", ctx), str(spec, "tag", ctx)};
    check_no_registry_host(s.repository, ctx + " " + at(spec));
    return s;
  }
  if (kind == "rpm") {
    only_keys(spec, {"url", "path", "sha256"}, ctx);
    RpmSource s;
    s.url = str(spec, "url", ctx, false);
    if (auto p = str(spec, "path", ctx, false); !p.empty()) s.path = base_dir / p;
    if (s.url.empty() == s.path.empty())
      throw Invalid{"rpm source needs exactly one of 'url' or 'path'", ctx + " " + at(spec)};
    s.sha256 = str(spec, "sha256", ctx);
    check_sha256(s.sha256, ctx + " " + at(spec));
    return s;
  }
  if (kind == "url") {
    only_keys(spec, {"url", "sha256"}, ctx);
    UrlSource s{str(spec, "url", ctx), str(spec, "sha256", ctx)};
    check_sha256(s.sha256, ctx + " " + at(spec));
    return s;
  }
  if (kind == "path") {
    only_keys(spec, {"vmlinuz", "config", "sha256"}, ctx);
    PathSource s;
    s.vmlinuz = base_dir / str(spec, "vmlinuz", ctx);
    if (auto c = str(spec, "config", ctx, false); !c.empty()) s.config = base_dir / c;
    s.sha256 = str(spec, "sha256", ctx, false);
    check_sha256(s.sha256, ctx + " " + at(spec));
    return s;
  }
  if (kind == "build") {
    only_keys(spec, {"version", "url", "sha256", "config_fragment"}, ctx);
    BuildSource s;
    s.version = str(spec, "version", ctx);
    s.url = str(spec, "url", ctx, false);
    if (s.url.empty())
      s.url = "${VMTEST_KERNEL_MIRROR}/v" + s.version.substr(0, s.version.find('.')) + ".x/linux-" +
              s.version + ".tar.xz";
    s.sha256 = str(spec, "sha256", ctx, false);
    check_sha256(s.sha256, ctx + " " + at(spec));
    if (auto f = str(spec, "config_fragment", ctx, false); !f.empty()) s.config_fragment = base_dir / f;
    return s;
  }
  throw Invalid{"unknown source kind '" + kind + "' (expected one of " + known_kinds() + ")",
                ctx + " " + at(spec)};
}

KernelRow parse_row(const YAML::Node& n, const std::string& origin, const fs::path& base_dir) {
  if (!n.IsMap()) throw Invalid{"each kernel must be a map", origin + " " + at(n)};
  const std::string name = str(n, "name", origin);
  const std::string ctx = origin + ": kernel '" + name + "'";
  only_keys(n, {"name", "description", "source"}, ctx);
  KernelRow row;
  row.name = name;
  row.description = str(n, "description", ctx);
  const YAML::Node src = n["source"];
  if (!src || !src.IsMap() || src.size() != 1)
    throw Invalid{"'source' must be a map with exactly one of " + known_kinds(),
                  ctx + " " + at(src ? src : n)};
  const auto& kv = *src.begin();
  row.source_kind = kv.first.as<std::string>();
  row.source = parse_source(row.source_kind, kv.second, ctx, base_dir);
  return row;
}

} // namespace

const KernelRow* Matrix::find(std::string_view name) const {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

Result<Matrix> parse_matrix(std::string_view yaml_text, const std::string& origin,
                            const fs::path& base_dir, const LockFile& lock) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root.IsMap())
      throw Invalid{"top level must be a map with 'kernels' and 'defaults'", origin};
    only_keys(root, {"defaults", "kernels"}, origin);
    const YAML::Node kernels = root["kernels"];
    if (!kernels || !kernels.IsSequence() || kernels.size() == 0)
      throw Invalid{"'kernels' must be a non-empty list", origin};

    Matrix m;
    for (const auto& n : kernels) {
      KernelRow row = parse_row(n, origin, base_dir);
      if (m.find(row.name))
        throw Invalid{"duplicate kernel '" + row.name + "'", origin + " " + at(n)};
      if (row.source_kind == "debian") {
        if (auto it = lock.pins.find(row.name); it != lock.pins.end()) row.pin = it->second;
      }
      if (row.source_kind == "oci") {
        if (auto it = lock.oci.find(row.name); it != lock.oci.end()) row.oci_pin = it->second;
      }
      m.rows.push_back(std::move(row));
    }

    if (root["defaults"]) {
      std::set<std::string> seen;
      for (auto& d : str_list(root, "defaults", origin)) {
        if (!m.find(d)) throw Invalid{"defaults names unknown kernel '" + d + "'", origin};
        if (!seen.insert(d).second) throw Invalid{"defaults lists '" + d + "' twice", origin};
        m.defaults.push_back(d);
      }
    } else {
      for (const auto& r : m.rows)
        m.defaults.push_back(r.name);
    }
    return m;
  } catch (const Invalid& e) {
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
  return parse_matrix(*text, matrix_yaml.string(), matrix_yaml.parent_path(), *lock);
}

} // namespace vmtest
