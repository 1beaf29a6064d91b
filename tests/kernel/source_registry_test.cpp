// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/source_registry.h"

#include <gtest/gtest.h>
#include <set>

namespace vmtest {

namespace {
// The smallest valid spec of each kind, as a matrix would write it.
const std::map<std::string, std::string> kMinimal = {
    {"debian", "{package: p, suites: [s]}"},
    {"oci", "{repository: r/k, tag: t}"},
    {"rpm", "{path: k.rpm, sha256: " + std::string(64, 'a') + "}"},
    {"url", "{url: http://h/k, sha256: " + std::string(64, 'a') + "}"},
    {"path", "{vmlinuz: /boot/x}"},
    {"build", "{version: 6.6.60}"},
    {"local", "{}"},
};
} // namespace

// Every registered kind parses and reports the name it was registered under, so the table
// and the implementations cannot drift apart.
TEST(SourceRegistry, EveryKindParsesUnderItsOwnName) {
  std::set<std::string> seen;
  for (const auto& k : source_kinds()) {
    ASSERT_TRUE(kMinimal.count(k.name)) << "add a minimal spec for new kind " << k.name;
    SourceSpec spec;
    spec.row = "r";
    spec.node = YAML::Load(kMinimal.at(k.name));
    spec.where = "test";
    auto src = parse_source(k.name, spec);
    ASSERT_NE(src, nullptr) << k.name;
    EXPECT_EQ(src->kind(), k.name);
    EXPECT_EQ(src->row(), "r");
    EXPECT_FALSE(src->describe().empty()) << k.name;
    EXPECT_TRUE(seen.insert(k.name).second) << "registered twice: " << k.name;
  }
  EXPECT_EQ(seen.size(), kMinimal.size());
  EXPECT_EQ(known_source_kinds(), "debian, oci, rpm, url, path, build, local");
}

TEST(SourceRegistry, UnknownKindAndNonMapSpecsAreErrors) {
  SourceSpec spec;
  spec.row = "r";
  spec.node = YAML::Load("{a: b}");
  spec.where = "test";
  try {
    parse_source("snap", spec);
    FAIL() << "expected SpecError";
  } catch (const SpecError& e) {
    EXPECT_NE(e.what.find("unknown source kind 'snap'"), std::string::npos) << e.what;
  }
  spec.node = YAML::Load("[1, 2]");
  try {
    parse_source("oci", spec);
    FAIL() << "expected SpecError";
  } catch (const SpecError& e) {
    EXPECT_NE(e.what.find("must be a map"), std::string::npos) << e.what;
  }
}

} // namespace vmtest
