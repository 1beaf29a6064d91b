#pragma once
// kernels/matrix.yaml as plain data: which kernels exist, which run by default and where
// each one comes from. Nothing downstream sees YAML; the lock pins are merged in here so a
// row carries everything fetch_kernel needs.
#include "core/result.h"
#include "kernel/lock_file.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vmtest {

struct DebianSource {
  std::string package;             // exact binary package, e.g. linux-image-6.1.0-56-cloud-amd64
  std::vector<std::string> suites; // apt suites to search, e.g. bookworm bookworm-security
};
// Registry host deliberately absent: it comes from $VMTEST_OCI_REGISTRY at run time.
struct OciSource {
  std::string repository; // lvh-images/kernel-images
  std::string tag;        // rhel8.10-main
};
// URLs may name environment variables as ${NAME} (e.g. ${VMTEST_RPM_MIRROR}/...), which keeps
// mirror hosts out of the repository; a row whose variable is unset is "not available here".
struct RpmSource {
  std::string url;                // a kernel-core .rpm, or
  std::filesystem::path path;     // a local one (relative to matrix.yaml)
  std::string sha256;             // of the .rpm; required
};
struct UrlSource {
  std::string url;    // a bzImage or a .tar.gz/.tar.xz holding boot/vmlinuz-* or bzImage
  std::string sha256; // of the downloaded file
};
struct PathSource {
  std::filesystem::path vmlinuz; // absolute (relative paths resolve against matrix.yaml)
  std::filesystem::path config;  // optional
  std::string sha256;            // optional
};
struct BuildSource {
  std::string version;                   // upstream release, e.g. 6.6.60
  std::string url;    // source tarball; default ${VMTEST_KERNEL_MIRROR}/v6.x/linux-6.6.60.tar.xz
  std::string sha256; // of the tarball; required
  std::filesystem::path config_fragment; // optional, relative to matrix.yaml's parent dir
};

using KernelSource =
    std::variant<DebianSource, OciSource, RpmSource, UrlSource, PathSource, BuildSource>;

struct KernelRow {
  std::string name;
  std::string description;
  std::string source_kind; // "debian", "oci", "rpm", "url", "path", "build"
  KernelSource source;
  std::optional<DebPin> pin;     // debian rows only, from the lock file
  std::optional<OciPin> oci_pin; // oci rows only, from the lock file
};

struct Matrix {
  std::vector<KernelRow> rows;
  std::vector<std::string> defaults;
  const KernelRow* find(std::string_view name) const;
};

Result<Matrix> load_matrix(const std::filesystem::path& matrix_yaml,
                           const std::filesystem::path& lock_json);

// The YAML text itself; load_matrix reads the file and then calls this. `base_dir` anchors
// relative `path:` sources. Exposed so tests can feed malformed matrices inline.
Result<Matrix> parse_matrix(std::string_view yaml_text, const std::string& origin,
                            const std::filesystem::path& base_dir, const LockFile& lock);

} // namespace vmtest
