// SPDX-License-Identifier: BSD-2-Clause
#include "cli/project_matrix.h"
#include "kernel/debian_source.h"
#include "kernel/path_source.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

Matrix base() {
  auto m = parse_matrix(R"(
defaults: ["6.1", "6.12"]
kernels:
  - name: "5.10"
    description: old
    source: {debian: {package: linux-image-5.10-cloud-amd64, suites: [bullseye]}}
  - name: "6.1"
    description: bookworm
    source: {debian: {package: linux-image-6.1-cloud-amd64, suites: [bookworm]}}
  - name: "6.12"
    description: trixie
    source: {debian: {package: linux-image-6.12-cloud-amd64, suites: [trixie]}}
)",
                        "matrix.yaml", "/data", LockFile{});
  EXPECT_TRUE(m.ok()) << m.error().str();
  return *m;
}

ProjectRows rows(const std::string& yaml) {
  // As the project file hands them over: a matrix document of the declared rows.
  return ProjectRows{"kernels:\n" + yaml, "/repo/vmtest.yaml: kernels.rows", "/repo", {}};
}

std::vector<std::string> names(const Matrix& m) {
  std::vector<std::string> out;
  for (const auto& r : m.rows)
    out.push_back(r.name);
  return out;
}

} // namespace

TEST(ProjectMatrix, ARowWithANewNameIsAddedAndJoinsTheDefaults) {
  auto pr = rows("  - name: fleet\n    description: ours\n"
                 "    source: {path: {vmlinuz: kernels/vmlinuz}}\n");
  auto m = with_project_rows(base(), &pr, std::nullopt, LockFile{}, "/repo/vmtest.yaml");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(names(*m), (std::vector<std::string>{"5.10", "6.1", "6.12", "fleet"}));
  EXPECT_EQ(m->defaults, (std::vector<std::string>{"6.1", "6.12", "fleet"}));
  const auto* fleet = m->find("fleet");
  ASSERT_NE(fleet, nullptr);
  // Relative paths resolve against the project file's folder, as parse_matrix does for its own.
  ASSERT_EQ(fleet->sources.size(), 1u);
  const auto* path = dynamic_cast<const PathSource*>(fleet->sources.front().get());
  ASSERT_NE(path, nullptr) << fleet->kinds();
  EXPECT_EQ(path->vmlinuz(), fs::path("/repo/kernels/vmlinuz"));
}

TEST(ProjectMatrix, ARowWithABundledNameReplacesItInPlace) {
  auto pr = rows("  - name: \"5.10\"\n    description: our 5.10 build\n"
                 "    source: {url: {url: 'https://example.invalid/vmlinuz', sha256: "
                 "'" +
                 std::string(64, 'a') + "'}}\n");
  auto m = with_project_rows(base(), &pr, std::nullopt, LockFile{}, "/repo/vmtest.yaml");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(names(*m), (std::vector<std::string>{"5.10", "6.1", "6.12"}));
  EXPECT_EQ(m->find("5.10")->kinds(), "url");
  EXPECT_EQ(m->find("5.10")->description, "our 5.10 build");
  // It was not a default before and does not become one.
  EXPECT_EQ(m->defaults, (std::vector<std::string>{"6.1", "6.12"}));
}

TEST(ProjectMatrix, DefaultsReplaceTheSelectionAndMustNameRows) {
  auto m = with_project_rows(base(), nullptr, std::vector<std::string>{"5.10"}, LockFile{},
                             "/repo/vmtest.yaml");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->defaults, std::vector<std::string>{"5.10"});
  auto bad = with_project_rows(base(), nullptr, std::vector<std::string>{"4.4"}, LockFile{},
                               "/repo/vmtest.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("unknown kernel '4.4'"), std::string::npos);
  EXPECT_EQ(bad.error().context, "/repo/vmtest.yaml");
}

TEST(ProjectMatrix, RowsAreCheckedByTheMatrixParserAndNamedWithoutWrongLines) {
  auto pr = rows("  - name: fleet\n    description: ours\n    source: {floppy: {}}\n");
  auto m = with_project_rows(base(), &pr, std::nullopt, LockFile{}, "/repo/vmtest.yaml");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().what.find("unknown source kind 'floppy'"), std::string::npos)
      << m.error().str();
  EXPECT_NE(m.error().context.find("/repo/vmtest.yaml: kernels.rows: kernel 'fleet'"),
            std::string::npos)
      << m.error().str();
  EXPECT_EQ(m.error().context.find("line"), std::string::npos) << m.error().str();
}

TEST(ProjectMatrix, DebianRowsTakeTheirPinFromTheLock) {
  LockFile lock;
  DebPin pin;
  pin.package = "linux-image-6.1.0-99-cloud-amd64";
  pin.version = "6.1.999-1";
  pin.filename = "pool/main/l/linux/linux-image-6.1.0-99-cloud-amd64_6.1.999-1_amd64.deb";
  pin.deb_sha256 = std::string(64, 'a');
  pin.vmlinuz_sha256 = std::string(64, 'b');
  lock.pins["fleet"]["debian"] = DebianSource::pin_json(pin);
  auto pr = rows("  - name: fleet\n    description: ours\n"
                 "    source: {debian: {package: linux-image-6.1.0-99-cloud-amd64, "
                 "suites: [bookworm]}}\n");
  auto m = with_project_rows(base(), &pr, std::nullopt, lock, "/repo/vmtest.yaml");
  ASSERT_TRUE(m.ok()) << m.error().str();
  const KernelSource* deb = m->find("fleet")->source_of("debian");
  ASSERT_NE(deb, nullptr);
  EXPECT_EQ(deb->pin_summary(), "6.1.999-1");
  EXPECT_EQ(deb->lock_pin().value("package", ""), "linux-image-6.1.0-99-cloud-amd64");
}

} // namespace vmtest
