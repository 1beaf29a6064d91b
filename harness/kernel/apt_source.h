// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// A private apt: its own sources.list, lists and cache under the vmtest cache, so fetching a
// kernel package never reads or changes the machine's apt state (no sudo, no surprise
// upgrades of the host's package lists). The mirror URIs are the only thing taken from the
// machine, because they encode its proxy/mirror choice and must not live in the repository.
#include "core/process.h"
#include "core/result.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace vmtest {

struct AptMirrors {
  std::string debian;   // main archive URI
  std::string security; // debian-security URI; empty when the machine has none
};

// Reads deb822 `URIs:` from every *.sources in `sources_parts` and one-line `deb` entries
// from `sources_list` (either may be absent). The security mirror is the URI whose path ends
// in "-security"; the main archive is the first other one.
Result<AptMirrors>
read_machine_mirrors(const std::filesystem::path& sources_parts = "/etc/apt/sources.list.d",
                     const std::filesystem::path& sources_list = "/etc/apt/sources.list");

// Debian's archive key, which signs the indices of every Debian mirror.
inline constexpr const char* kDebianArchiveKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

// One-line sources.list for `suites`: "*-security" suites go to the security mirror. Each
// index must be signed by a key in `keyring`. A non-empty `deb_arch` ("arm64") limits every
// line to that architecture.
Result<std::string> private_sources_list(const AptMirrors& mirrors,
                                         const std::vector<std::string>& suites,
                                         const std::string& keyring = kDebianArchiveKeyring,
                                         const std::string& deb_arch = "");

// One stanza of `apt-cache show`.
struct AptPackage {
  std::string package, version, filename, sha256;
};
std::vector<AptPackage> parse_apt_cache_show(std::string_view text);

class PrivateApt {
public:
  // `state_dir` holds sources.list, lists/ and cache/; it is created on demand.
  // A non-empty `deb_arch` makes apt index and download that architecture's packages, whatever
  // the machine's own is: an arm64 kernel package on an x86 host, with no dpkg change.
  PrivateApt(std::filesystem::path state_dir, std::string sources_list, CommandRunner& runner,
             std::function<void(const std::string&)> log = {}, std::string deb_arch = "");

  // Writes sources.list (only if changed) and the directories apt expects.
  Result<void> prepare();
  // True when an update has produced package indices for this state dir.
  bool lists_present() const;
  Result<void> update();
  // Every version of `package` in the private indices; an empty list when apt knows none.
  Result<std::vector<AptPackage>> show(const std::string& package);
  // Names of every package in the private indices that start with `prefix`.
  Result<std::vector<std::string>> pkgnames(const std::string& prefix);
  // Downloads PACKAGE=VERSION into `dir` and returns the .deb's path.
  Result<std::filesystem::path> download(const std::string& package, const std::string& version,
                                         const std::filesystem::path& dir);

  // Drops the package indices and apt's caches, keeping sources.list. Called once a kernel is
  // committed to the cache: the next run finds it there and needs none of this state (three
  // suites' indices took ~480 MB on a fresh Debian 12), and a new pin refreshes them anyway.
  void prune();

  // The -o options that redirect apt to the private state and keep it small (compressed
  // indices, no translations, no binary caches); exposed for tests.
  std::vector<std::string> apt_options() const;

private:
  Result<ExitStatus> run(std::vector<std::string> argv, const std::filesystem::path& cwd = {});

  std::filesystem::path dir_;
  std::string sources_;
  CommandRunner& runner_;
  std::function<void(const std::string&)> log_;
  std::string deb_arch_;
};

} // namespace vmtest
