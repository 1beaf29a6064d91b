// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/apt_source.h"

#include "core/fs.h"

#include <algorithm>
#include <sstream>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Generous: update is ~4 s and a kernel .deb ~1 s here, but CI mirrors can be slow.
constexpr auto kAptTimeout = std::chrono::milliseconds(10min);

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void classify(std::string uri, AptMirrors& m) {
  while (!uri.empty() && uri.back() == '/')
    uri.pop_back();
  if (uri.empty()) return;
  if (ends_with(uri, "-security")) {
    if (m.security.empty()) m.security = uri;
  } else if (m.debian.empty()) {
    m.debian = uri;
  }
}

// deb822: stanzas separated by blank lines; continuation lines start with whitespace.
void scan_deb822(std::string_view text, AptMirrors& m) {
  std::istringstream in{std::string(text)};
  std::string line, types, uris, enabled, *last = nullptr;
  auto flush = [&] {
    const auto t = words(types);
    bool is_deb = false;
    for (const auto& w : t)
      is_deb |= (w == "deb");
    if (is_deb && enabled != "no")
      for (const auto& u : words(uris))
        classify(u, m);
    types.clear(), uris.clear(), enabled.clear(), last = nullptr;
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (last) *last += " " + trim(line);
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto key = trim(std::string_view(line).substr(0, colon));
    const auto value = trim(std::string_view(line).substr(colon + 1));
    last = nullptr;
    if (key == "Types") last = &(types = value);
    if (key == "URIs") last = &(uris = value);
    if (key == "Enabled") enabled = value;
  }
  flush();
}

// One-line format: deb [options] uri suite component...
void scan_one_line(std::string_view text, AptMirrors& m) {
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    auto w = words(line);
    if (w.empty() || w[0] != "deb") continue;
    size_t i = 1;
    if (i < w.size() && w[i].front() == '[') {
      while (i < w.size() && w[i].back() != ']')
        ++i;
      ++i;
    }
    if (i < w.size()) classify(w[i], m);
  }
}

std::string tail_lines(const std::string& text, int n) {
  size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n'))
    --pos;
  size_t start = pos;
  for (int k = 0; k < n && start > 0; ++k) {
    start = text.rfind('\n', start - 1);
    if (start == std::string::npos) {
      start = 0;
      break;
    }
  }
  return trim(text.substr(start, pos - start));
}

} // namespace

Result<AptMirrors> read_machine_mirrors(const fs::path& sources_parts,
                                        const fs::path& sources_list) {
  AptMirrors m;
  std::error_code ec;
  if (fs::is_directory(sources_parts, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(sources_parts, ec))
      files.push_back(e.path());
    std::sort(files.begin(), files.end()); // apt reads them in this order too
    for (const auto& f : files) {
      if (f.extension() != ".sources" && f.extension() != ".list") continue;
      auto text = read_file(f);
      if (!text) return text.error();
      if (f.extension() == ".sources")
        scan_deb822(*text, m);
      else
        scan_one_line(*text, m);
    }
  }
  if (fs::exists(sources_list, ec)) {
    auto text = read_file(sources_list);
    if (!text) return text.error();
    scan_one_line(*text, m);
  }
  if (m.debian.empty())
    return Error{"no Debian mirror URI found in the machine's apt sources",
                 sources_parts.string() + ", " + sources_list.string()};
  return m;
}

Result<std::string> private_sources_list(const AptMirrors& mirrors,
                                         const std::vector<std::string>& suites,
                                         const std::string& keyring,
                                         const std::string& deb_arch) {
  std::string out = "# Written by vmtest for its private apt state; regenerated on every fetch.\n";
  for (const auto& suite : suites) {
    const bool security = ends_with(suite, "-security");
    const std::string& uri = security ? mirrors.security : mirrors.debian;
    if (uri.empty())
      return Error{"suite '" + suite +
                       "' needs a debian-security mirror, but the machine's apt "
                       "sources name none",
                   "apt sources"};
    const std::string arch = deb_arch.empty() ? "" : "arch=" + deb_arch + " ";
    out += "deb [" + arch + "signed-by=" + keyring + "] " + uri + " " + suite + " main\n";
  }
  return out;
}

std::vector<AptPackage> parse_apt_cache_show(std::string_view text) {
  std::vector<AptPackage> out;
  AptPackage cur;
  auto flush = [&] {
    if (!cur.package.empty()) out.push_back(cur);
    cur = {};
  };
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto key = line.substr(0, colon);
    const auto value = trim(std::string_view(line).substr(colon + 1));
    if (key == "Package")
      cur.package = value;
    else if (key == "Version")
      cur.version = value;
    else if (key == "Filename")
      cur.filename = value;
    else if (key == "SHA256")
      cur.sha256 = value;
  }
  flush();
  return out;
}

PrivateApt::PrivateApt(fs::path state_dir, std::string sources_list, CommandRunner& runner,
                       std::function<void(const std::string&)> log, std::string deb_arch)
    : dir_(std::move(state_dir)), sources_(std::move(sources_list)), runner_(runner),
      log_(std::move(log)), deb_arch_(std::move(deb_arch)) {}

std::vector<std::string> PrivateApt::apt_options() const {
  std::vector<std::string> arch;
  // APT::Architecture is what `download PKG=VER` resolves an arch-less name to; the list of
  // architectures keeps apt from indexing the machine's own as well.
  if (!deb_arch_.empty())
    arch = {"-o", "APT::Architecture=" + deb_arch_, "-o", "APT::Architectures=" + deb_arch_};
  std::vector<std::string> opts = {"-o", "Dir::Etc::sourcelist=" + (dir_ / "sources.list").string(),
          "-o", "Dir::Etc::sourceparts=-",
          "-o", "Dir::State::Lists=" + (dir_ / "lists").string(),
          "-o", "Dir::Cache=" + (dir_ / "cache").string(),
          "-o", "Dir::Cache::pkgcache=",
          "-o", "Dir::Cache::srcpkgcache=",
          "-o", "Acquire::GzipIndexes=true",
          "-o", "Acquire::Languages=none"};
  opts.insert(opts.end(), arch.begin(), arch.end());
  return opts;
}

Result<void> PrivateApt::prepare() {
  std::error_code ec;
  for (const auto& d : {dir_ / "lists" / "partial", dir_ / "cache" / "archives" / "partial"}) {
    fs::create_directories(d, ec);
    if (ec) return Error{"cannot create directory: " + ec.message(), d.string()};
  }
  const auto path = dir_ / "sources.list";
  auto cur = read_file(path);
  if (cur && *cur == sources_) return {};
  if (cur) {
    // Indices fetched for other sources (another mirror, another keyring) would be trusted as
    // if they came from these; drop them so the next look-up updates first.
    fs::remove_all(dir_ / "lists", ec);
    fs::create_directories(dir_ / "lists" / "partial", ec);
    if (ec) return Error{"cannot create directory: " + ec.message(), (dir_ / "lists").string()};
  }
  return write_file_atomic(path, sources_);
}

void PrivateApt::prune() {
  std::error_code ec;
  fs::remove_all(dir_ / "lists", ec);
  fs::remove_all(dir_ / "cache", ec);
}

bool PrivateApt::lists_present() const {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_ / "lists", ec))
    if (e.path().filename().string().find("_Packages") != std::string::npos) return true;
  return false;
}

Result<ExitStatus> PrivateApt::run(std::vector<std::string> argv, const fs::path& cwd) {
  Command cmd;
  cmd.argv = {argv[0]};
  for (auto& o : apt_options())
    cmd.argv.push_back(std::move(o));
  cmd.argv.insert(cmd.argv.end(), argv.begin() + 1, argv.end());
  cmd.cwd = cwd;
  return runner_.run(cmd, kAptTimeout);
}

Result<void> PrivateApt::update() {
  if (log_) log_("apt-get update (private state in " + dir_.string() + ")");
  auto st = run({"apt-get", "-q", "update"});
  if (!st) return st.error();
  if (!st->success())
    return Error{"apt-get update failed (" + st->describe() + "): " + tail_lines(st->output, 3),
                 dir_.string()};
  return {};
}

Result<std::vector<AptPackage>> PrivateApt::show(const std::string& package) {
  auto st = run({"apt-cache", "show", package});
  if (!st) return st.error();
  if (!st->success()) {
    // apt-cache says "No packages found" (exit 100) for names it has never seen.
    if (st->exit_code == 100 && st->output.find("No packages found") != std::string::npos)
      return std::vector<AptPackage>{};
    return Error{"apt-cache show failed (" + st->describe() + "): " + tail_lines(st->output, 3),
                 package};
  }
  return parse_apt_cache_show(st->output);
}

Result<std::vector<std::string>> PrivateApt::pkgnames(const std::string& prefix) {
  auto st = run({"apt-cache", "pkgnames", prefix});
  if (!st) return st.error();
  if (!st->success())
    return Error{"apt-cache pkgnames failed (" + st->describe() + "): " + tail_lines(st->output, 3),
                 prefix};
  std::vector<std::string> out;
  std::istringstream in(st->output);
  for (std::string line; std::getline(in, line);)
    if (auto name = trim(line); !name.empty() && name.rfind(prefix, 0) == 0) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

Result<fs::path> PrivateApt::download(const std::string& package, const std::string& version,
                                      const fs::path& dir) {
  if (log_) log_("apt-get download " + package + "=" + version);
  // As root, apt drops to the _apt user for downloads; a directory it cannot write makes it
  // fall back to root with a warning. The .deb is hash-checked anyway, so just let _apt in.
  std::error_code ec;
  fs::permissions(dir, fs::perms::all, fs::perm_options::replace, ec);
  auto st = run({"apt-get", "-q", "download", package + "=" + version}, dir);
  if (!st) return st.error();
  if (!st->success())
    return Error{"apt-get download failed (" + st->describe() + "): " + tail_lines(st->output, 3),
                 package + " " + version};
  fs::path found;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (name.rfind(package + "_", 0) == 0 && e.path().extension() == ".deb") found = e.path();
  }
  if (found.empty())
    return Error{"apt-get download reported success but left no .deb in " + dir.string(),
                 package + " " + version};
  return found;
}

} // namespace vmtest
