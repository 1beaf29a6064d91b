// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "kernel/build_source.h"
#include "kernel/debian_source.h"
#include "kernel/local_source.h"
#include "kernel/matrix.h"
#include "kernel/oci_source.h"
#include "kernel/path_source.h"
#include "kernel/rpm_source.h"

#include <gtest/gtest.h>
#include <regex>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
const fs::path kData = fs::path(VMTEST_TEST_DATA) / "kernel";

Result<Matrix> parse(std::string_view yaml, const LockFile& lock = {}) {
  return parse_matrix(yaml, "inline.yaml", "/base", lock);
}

template <typename T> const T* as(const KernelRow* row, const char* kind) {
  if (!row) return nullptr;
  return dynamic_cast<const T*>(row->source_of(kind));
}
} // namespace

TEST(Matrix, ParsesEveryKindAndSourceLists) {
  auto m = load_matrix(kData / "matrix-good.yaml", kData / "lock-6.1.json");
  ASSERT_TRUE(m.ok()) << m.error().str();
  ASSERT_EQ(m->rows.size(), 5u);
  EXPECT_EQ(m->defaults, std::vector<std::string>{"6.1"});

  const KernelRow* rhel = m->find("4.18");
  ASSERT_NE(rhel, nullptr);
  EXPECT_EQ(rhel->kinds(), "local, oci") << "tried in the order written";
  const auto* oci = as<OciSource>(rhel, "oci");
  ASSERT_NE(oci, nullptr);
  EXPECT_EQ(oci->ref().registry, "quay.io");
  EXPECT_EQ(oci->ref().tag, "rhel8.10-main");
  EXPECT_TRUE(oci->pin().manifest_digest.empty());
  const auto* local = as<LocalSource>(rhel, "local");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->describe(), "$VMTEST_KERNEL_DIR/4.18");
  EXPECT_EQ(local->pin_summary(), "sha256:" + std::string(64, '2')) << "pin from the lock";

  const auto* deb = as<DebianSource>(m->find("6.1"), "debian");
  ASSERT_NE(deb, nullptr);
  EXPECT_EQ(deb->package(), "linux-image-6.1.0-56-cloud-amd64");
  EXPECT_EQ(deb->suites(), (std::vector<std::string>{"bookworm", "bookworm-security"}));
  ASSERT_TRUE(deb->pin().has_value());
  EXPECT_EQ(deb->pin()->version, "6.1.192-2");

  const auto* path = as<PathSource>(m->find("local"), "path");
  ASSERT_NE(path, nullptr);
  EXPECT_EQ(path->vmlinuz(), kData / "vmlinuz-local");
  EXPECT_NE(as<RpmSource>(m->find("rocky"), "rpm"), nullptr);
  const auto* build = as<BuildSource>(m->find("built"), "build");
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(build->describe(), "linux-6.6.60 + bpf.config");
  EXPECT_EQ(build->pin_summary(), "(no sha256)");
  EXPECT_EQ(m->find("7.0"), nullptr);
}

TEST(Matrix, BadYamlIsAnErrorWithALine) {
  auto m = load_matrix(kData / "matrix-bad-yaml.yaml", kData / "no-such-lock.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().what.find("invalid YAML"), std::string::npos) << m.error().str();
  EXPECT_NE(m.error().context.find("matrix-bad-yaml.yaml"), std::string::npos);
}

TEST(Matrix, UnknownSourceKindNamesTheKindTheRowAndTheKnownKinds) {
  auto m = load_matrix(kData / "matrix-unknown-kind.yaml", kData / "no-such-lock.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().what.find("unknown source kind 'snap'"), std::string::npos)
      << m.error().str();
  EXPECT_NE(m.error().what.find("debian, oci, rpm, url, path, build, local"), std::string::npos)
      << m.error().str();
  EXPECT_NE(m.error().context.find("kernel '6.1'"), std::string::npos) << m.error().str();
}

TEST(Matrix, DuplicateRowIsRejected) {
  auto m = load_matrix(kData / "matrix-duplicate.yaml", kData / "no-such-lock.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().what.find("duplicate kernel '6.1'"), std::string::npos) << m.error().str();
  EXPECT_NE(m.error().context.find("line 6"), std::string::npos) << m.error().str();
}

TEST(Matrix, EachSourceHasExactlyOneKindAndARowListsAKindOnce) {
  auto two = parse(R"(kernels:
  - name: a
    description: two kinds in one map
    source:
      debian: {package: p, suites: [s]}
      oci: {repository: r, tag: t}
)");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().what.find("exactly one"), std::string::npos) << two.error().str();

  auto twice = parse(R"(kernels:
  - name: a
    description: the same kind twice
    sources:
      - oci: {repository: r, tag: t}
      - oci: {repository: r, tag: u}
)");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().what.find("two 'oci' sources"), std::string::npos) << twice.error().str();

  auto both = parse(R"(kernels:
  - name: a
    description: both forms
    source: {local: {}}
    sources: [{local: {}}]
)");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().what.find("not both"), std::string::npos) << both.error().str();

  auto none = parse(R"(kernels:
  - name: a
    description: nothing
    sources: []
)");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().what.find("non-empty list"), std::string::npos) << none.error().str();
}

TEST(Matrix, OciRepositoryMustNotNameARegistryHost) {
  auto m = parse(R"(kernels:
  - name: a
    description: host in the repository
    source:
      oci: {repository: registry.example.invalid/lvh-images/kernel-images, tag: 6.6-main}
)");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().what.find("'registry:'"), std::string::npos) << m.error().str();
  EXPECT_NE(m.error().what.find("VMTEST_OCI_REGISTRY"), std::string::npos) << m.error().str();
}

TEST(Matrix, DefaultsMustNameExistingRows) {
  auto m = parse(R"(defaults: ["9.9"]
kernels:
  - name: a
    description: d
    source: {path: {vmlinuz: /boot/x}}
)");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().what.find("unknown kernel '9.9'"), std::string::npos) << m.error().str();
}

TEST(Matrix, MissingFieldsAndTyposAreNamed) {
  auto missing = parse(R"(kernels:
  - name: a
    description: d
    source: {debian: {package: p}}
)");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().what.find("'suites'"), std::string::npos) << missing.error().str();

  auto typo = parse(R"(kernels:
  - name: a
    descripton: d
    source: {path: {vmlinuz: /boot/x}}
)");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().what.find("unknown key 'descripton'"), std::string::npos)
      << typo.error().str();

  auto local = parse(R"(kernels:
  - name: a
    description: d
    source: {local: {dir: x}}
)");
  ASSERT_FALSE(local.ok());
  EXPECT_NE(local.error().what.find("unknown key 'dir' (expected subdir)"), std::string::npos)
      << local.error().str();
}

TEST(Matrix, BadLockPinsAreErrorsNamingTheLockAndRow) {
  // A format-1 lock (one flat pin per row) is still read; its bad hash is caught by the
  // debian source that owns it.
  auto m = load_matrix(kData / "matrix-good.yaml", kData / "lock-bad-sha.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().context.find("lock-bad-sha.json: kernel '6.1'"), std::string::npos)
      << m.error().str();
  EXPECT_NE(m.error().what.find("sha256"), std::string::npos);

  LockFile lock;
  lock.pins["a"]["local"] = {{"vmlinuz_sha256", "not-hex"}};
  auto bad = parse(R"(kernels:
  - {name: a, description: d, source: {local: {}}}
)",
                   lock);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("vmlinuz_sha256 must be 64 lowercase hex"), std::string::npos)
      << bad.error().str();

  lock.pins["a"]["local"] = {{"vmlinuz_sha256", 7}};
  auto typed = parse(R"(kernels:
  - {name: a, description: d, source: {local: {}}}
)",
                     lock);
  ASSERT_FALSE(typed.ok());
  EXPECT_NE(typed.error().what.find("'vmlinuz_sha256' must be a string"), std::string::npos)
      << typed.error().str();
}

TEST(Matrix, NoDefaultsMeansEveryRow) {
  auto m = parse(R"(kernels:
  - {name: a, description: d, source: {path: {vmlinuz: x}}}
  - {name: b, description: d, source: {path: {vmlinuz: /abs/y}}}
)");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->defaults, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(as<PathSource>(&m->rows[0], "path")->vmlinuz(), fs::path("/base/x"));
  EXPECT_EQ(as<PathSource>(&m->rows[1], "path")->vmlinuz(), fs::path("/abs/y"));
}

TEST(Matrix, ArchDefaultsToX86AndReachesTheSources) {
  auto m = parse(R"(kernels:
  - {name: a, description: d, source: {debian: {package: linux-image-a-cloud-amd64, suites: [s]}}}
  - name: b
    description: d
    arch: arm64
    sources:
      - debian: {package: linux-image-b-cloud-arm64, suites: [s]}
      - oci: {registry: quay.io, repository: r/k, tag: t}
)");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->rows[0].arch, Arch::x86_64);
  EXPECT_EQ(m->rows[1].arch, Arch::arm64);
  EXPECT_EQ(as<DebianSource>(&m->rows[0], "debian")->arch(), Arch::x86_64);
  EXPECT_EQ(as<DebianSource>(&m->rows[1], "debian")->arch(), Arch::arm64);
  // An LVH index is multi-arch: the row's arch picks the platform.
  EXPECT_EQ(as<OciSource>(&m->rows[1], "oci")->ref().arch, "arm64");
}

TEST(Matrix, UnknownArchAndUnbuildableSourcesAreNamed) {
  auto bad = parse(R"(kernels:
  - {name: a, description: d, arch: aarch64, source: {path: {vmlinuz: x}}}
)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("unknown arch 'aarch64' (expected x86_64 | arm64)"),
            std::string::npos)
      << bad.error().str();
  EXPECT_NE(bad.error().context.find("kernel 'a'"), std::string::npos) << bad.error().str();
  // The build source makes x86 bzImages only.
  auto build = parse(R"(kernels:
  - {name: a, description: d, arch: arm64, source: {build: {version: 6.6.1}}}
)");
  ASSERT_FALSE(build.ok());
  EXPECT_NE(build.error().what.find("x86_64 kernels only"), std::string::npos)
      << build.error().str();
}

// The committed matrix is the product's contract with the controller and CI: pin its shape.
TEST(Matrix, CommittedMatrixAndLockAgree) {
  const fs::path src = VMTEST_SOURCE_DIR;
  auto m = load_matrix(src / "kernels/matrix.yaml", src / "kernels/matrix.lock.json");
  ASSERT_TRUE(m.ok()) << m.error().str();
  std::vector<std::string> names;
  for (const auto& r : m->rows)
    names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"4.18", "4.18-rhel8.1", "5.10", "5.15", "6.1", "6.6",
                                             "6.12", "6.12-latest", "6.1-arm64", "6.12-arm64"}));
  // RHEL 8.1 and the canary are opt-in (README: which rows run by default, and why); arm64 rows
  // run on request.
  EXPECT_EQ(m->defaults, (std::vector<std::string>{"4.18", "5.10", "5.15", "6.1", "6.6", "6.12"}));
  for (const auto& r : m->rows) {
    if (r.arch == Arch::arm64) {
      // Each arm64 row is its x86 twin's package and suites, built for arm64, at the same
      // Debian version: a verdict that differs between them differs by architecture.
      const std::string twin = r.name.substr(0, r.name.size() - std::string("-arm64").size());
      const auto* deb = as<DebianSource>(&r, "debian");
      const auto* x86 = as<DebianSource>(m->find(twin), "debian");
      ASSERT_NE(deb, nullptr) << r.name;
      ASSERT_NE(x86, nullptr) << twin;
      EXPECT_EQ(m->find(twin)->arch, Arch::x86_64);
      EXPECT_EQ(deb->arch(), Arch::arm64);
      EXPECT_EQ(deb->suites(), x86->suites()) << r.name;
      std::string expected = x86->package();
      expected.replace(expected.rfind("-amd64"), 6, "-arm64");
      EXPECT_EQ(deb->package(), expected) << r.name;
      ASSERT_TRUE(deb->pin().has_value()) << r.name;
      EXPECT_EQ(deb->pin()->version, x86->pin()->version) << r.name;
      EXPECT_EQ(deb->pin()->deb_sha1.size(), 40u) << r.name << ": the snapshot fallback needs it";
      continue;
    }
    if (const auto* deb = as<DebianSource>(&r, "debian")) {
      EXPECT_EQ(deb->follows_newest(), r.canary) << r.name;
      if (r.canary) continue; // the lock only records what it booted last
      ASSERT_TRUE(deb->pin().has_value()) << r.name;
      EXPECT_EQ(deb->pin()->package, deb->package()) << r.name;
      EXPECT_EQ(deb->pin()->deb_sha1.size(), 40u) << r.name << ": the snapshot fallback needs it";
      continue;
    }
    const auto* local = as<LocalSource>(&r, "local");
    ASSERT_NE(local, nullptr) << r.name;
    EXPECT_NE(local->pin_summary(), "(unpinned)") << r.name << ": local images are verified";
    if (r.name == "4.18-rhel8.1") {
      EXPECT_EQ(r.kinds(), "local") << "no public catalogue publishes RHEL 8.1";
      continue;
    }
    // The other rows: the shared local image first, the public catalogue for everyone else.
    EXPECT_EQ(r.kinds(), "local, oci") << r.name;
    const auto* oci = as<OciSource>(&r, "oci");
    ASSERT_NE(oci, nullptr);
    EXPECT_EQ(oci->ref().registry, "quay.io") << r.name;
    EXPECT_EQ(oci->ref().repository, "lvh-images/kernel-images") << r.name;
    EXPECT_FALSE(oci->pin().provenance.empty()) << r.name << ": say where the pin came from";
    EXPECT_NE(oci->pin().provenance.find("cilium/tetragon"), std::string::npos) << r.name;
    EXPECT_EQ(oci->pin().provenance.find("pwru"), std::string::npos)
        << r.name << ": pwru's dated tags are for lvh-images/kind, not kernel-images";
  }
  EXPECT_EQ(as<LocalSource>(m->find("4.18"), "local")->describe(), "$VMTEST_KERNEL_DIR/4.18-el8.10");
  EXPECT_EQ(as<LocalSource>(m->find("4.18-rhel8.1"), "local")->describe(),
            "$VMTEST_KERNEL_DIR/4.18");
  EXPECT_EQ(as<DebianSource>(m->find("5.10"), "debian")->suites(),
            (std::vector<std::string>{"bullseye", "bullseye-security"}));
}

// LVH rebuilds `<ver>-main` every week: a row on it would change under a committed baseline.
// Every oci source of the committed matrix names a dated tag, `<ver>-<YYYYMMDD.HHMMSS>`.
TEST(Matrix, CommittedOciSourcesNameDatedTagsNotMain) {
  const fs::path src = VMTEST_SOURCE_DIR;
  auto m = load_matrix(src / "kernels/matrix.yaml", src / "kernels/matrix.lock.json");
  ASSERT_TRUE(m.ok()) << m.error().str();
  const std::regex dated(R"(.+-[0-9]{8}\.[0-9]{6})");
  size_t oci_sources = 0;
  for (const auto& r : m->rows)
    for (const auto& s : r.sources)
      if (const auto* oci = dynamic_cast<const OciSource*>(s.get())) {
        ++oci_sources;
        const std::string& tag = oci->ref().tag;
        EXPECT_FALSE(tag.size() >= 5 && tag.compare(tag.size() - 5, 5, "-main") == 0)
            << r.name << ": '" << tag << "' is a moving tag";
        EXPECT_TRUE(std::regex_match(tag, dated)) << r.name << ": '" << tag << "' is not dated";
      }
  EXPECT_GE(oci_sources, 3u);
}

TEST(Matrix, CanaryRowFollowsOneDebianSeries) {
  auto m = parse(R"(
kernels:
  - name: "6.12-latest"
    description: newest trixie kernel
    canary: true
    source: {debian: {package: "linux-image-6.12.*+deb13-cloud-amd64", suites: [trixie]}}
)");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_TRUE(m->rows[0].canary);
  const auto* deb = as<DebianSource>(&m->rows[0], "debian");
  ASSERT_NE(deb, nullptr);
  EXPECT_TRUE(deb->follows_newest());
  EXPECT_EQ(deb->pin_summary(), "newest");

  auto two = parse(R"(
kernels:
  - name: c
    description: d
    canary: true
    sources: [{local: {}}, {debian: {package: p, suites: [s]}}]
)");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().what.find("a canary row takes exactly one debian source"),
            std::string::npos)
      << two.error().str();
  auto glob = parse(R"(
kernels:
  - {name: p, description: d, source: {debian: {package: "linux-image-6.12.*", suites: [s]}}}
)");
  ASSERT_FALSE(glob.ok());
  EXPECT_NE(glob.error().what.find("only a canary row"), std::string::npos) << glob.error().str();
  auto bad = parse(R"(
kernels:
  - {name: p, description: d, canary: maybe, source: {debian: {package: x, suites: [s]}}}
)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("'canary' must be true or false"), std::string::npos);
}

} // namespace vmtest
