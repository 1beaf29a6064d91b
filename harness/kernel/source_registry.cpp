// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/source_registry.h"

#include "kernel/build_source.h"
#include "kernel/debian_source.h"
#include "kernel/local_source.h"
#include "kernel/oci_source.h"
#include "kernel/path_source.h"
#include "kernel/rpm_source.h"
#include "kernel/url_source.h"

namespace vmtest {

const std::vector<SourceKind>& source_kinds() {
  static const std::vector<SourceKind> kinds = {
      {"debian", DebianSource::parse}, {"oci", OciSource::parse},   {"rpm", RpmSource::parse},
      {"url", UrlSource::parse},       {"path", PathSource::parse}, {"build", BuildSource::parse},
      {"local", LocalSource::parse, true},
  };
  return kinds;
}

const SourceKind* find_source_kind(const std::string& name) {
  for (const auto& k : source_kinds())
    if (name == k.name) return &k;
  return nullptr;
}

std::string known_source_kinds() {
  std::string s;
  for (const auto& k : source_kinds())
    s += (s.empty() ? "" : ", ") + std::string(k.name);
  return s;
}

std::unique_ptr<KernelSource> parse_source(const std::string& kind, const SourceSpec& spec) {
  for (const auto& k : source_kinds())
    if (kind == k.name) {
      if (!spec.node.IsMap() && !spec.node.IsNull())
        throw SpecError{"source '" + kind + "' must be a map", spec.at()};
      return k.parse(spec);
    }
  throw SpecError{"unknown source kind '" + kind + "' (expected one of " + known_source_kinds() +
                      ")",
                  spec.at()};
}

} // namespace vmtest
