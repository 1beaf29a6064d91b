// SPDX-License-Identifier: BSD-2-Clause
#include "run/corpus.h"

#include "core/sha256.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

constexpr int kEmBpf = 247;
constexpr int kMaxDepth = 64; // deeper than any build tree; stops pathological nesting

bool named_like_object(const std::string& name) {
  return name.ends_with(".o") || name.ends_with(".elf");
}

// What a path that is neither a folder nor a regular file is, for the note that skips it. Such
// a file is never opened: open() on a FIFO waits for a writer forever (holding the --out lock).
std::string special_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

std::string skipped_special(const std::string& name, mode_t mode) {
  return name + ": skipped, " + special_kind(mode) + " is not a regular file (not opened)";
}

struct Walker {
  const CaseLoader& cases;
  Corpus& out;
  std::set<std::pair<dev_t, ino_t>> visited;
  std::map<std::string, std::string> owner; // object name -> root it came from

  Result<void> add_object(const fs::path& path, const std::string& name, const std::string& root,
                          std::string error) {
    if (auto it = owner.find(name); it != owner.end())
      return Error{"two corpus objects would both be named '" + name + "' (under " + it->second +
                       " and " + root + "); pass folders whose contents do not overlap",
                   path.string()};
    owner[name] = root;
    CorpusObject obj;
    obj.name = name;
    obj.stem = object_stem(name);
    obj.path = path;
    obj.error = std::move(error);
    if (obj.error.empty()) {
      auto hash = sha256_file(path);
      if (hash)
        obj.sha256 = *hash;
      else
        obj.error = "cannot read: " + hash.error().str();
    }
    if (obj.error.empty() && cases) {
      auto c = cases(obj.stem);
      if (!c) return c.error().wrap("test cases for " + name);
      obj.cases = std::move(c->cases);
      obj.presets = std::move(c->presets);
    }
    out.objects.push_back(std::move(obj));
    return {};
  }

  // One regular file (or a symlink to one): an object when its header says BPF.
  Result<void> file(const fs::path& path, const std::string& name, const std::string& root) {
    ++out.files_scanned;
    // O_NONBLOCK: should the path have become a FIFO since it was looked at, open() returns at
    // once instead of waiting for a writer, and the fstat below skips it.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      const int e = errno;
      if (named_like_object(name))
        return add_object(path, name, root, std::string("cannot read: ") + std::strerror(e));
      out.notes.push_back(name + ": skipped, cannot read it (" + std::strerror(e) + ")");
      return {};
    }
    struct stat st;
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
      ::close(fd);
      --out.files_scanned;
      out.notes.push_back(skipped_special(name, st.st_mode));
      return {};
    }
    char header[20];
    ssize_t n = ::read(fd, header, sizeof header);
    ::close(fd);
    if (n < 0 && named_like_object(name))
      return add_object(path, name, root, std::string("cannot read: ") + std::strerror(errno));
    if (n < static_cast<ssize_t>(sizeof header) ||
        !is_bpf_elf(std::string_view(header, sizeof header)))
      return {};
    return add_object(path, name, root, "");
  }

  Result<void> dir(const fs::path& path, const std::string& prefix, const std::string& root,
                   int depth) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return {};
    // A folder reached twice (through a symlink loop, or two links to one folder) is walked
    // once: that is what ends a loop.
    if (!visited.insert({st.st_dev, st.st_ino}).second) {
      out.notes.push_back((prefix.empty() ? root : prefix) +
                          ": skipped, already visited (symlink loop?)");
      return {};
    }
    if (depth > kMaxDepth) {
      out.notes.push_back(prefix + ": skipped, nested more than " + std::to_string(kMaxDepth) +
                          " folders deep");
      return {};
    }
    std::error_code ec;
    fs::directory_iterator it(path, ec);
    if (ec) {
      // The folder may hold objects; say so as an object error rather than a quiet skip.
      return add_object(path, prefix.empty() ? root + "/" : prefix + "/", root,
                        "cannot list folder: " + ec.message());
    }
    std::vector<fs::path> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(it->path());
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) {
      const std::string name = (prefix.empty() ? "" : prefix + "/") + e.filename().string();
      struct stat target;
      if (::stat(e.c_str(), &target) != 0) {
        // A dangling symlink or a symlink loop (ELOOP) on a file name.
        out.notes.push_back(name + ": skipped (" + std::strerror(errno) + ")");
        continue;
      }
      Result<void> r;
      if (S_ISDIR(target.st_mode))
        r = dir(e, name, root, depth + 1);
      else if (S_ISREG(target.st_mode))
        r = file(e, name, root);
      else
        out.notes.push_back(skipped_special(name, target.st_mode));
      if (!r) return r;
    }
    return {};
  }
};

} // namespace

bool is_bpf_elf(std::string_view h) {
  if (h.size() < 20 || h.substr(0, 4) != "\x7f"
                                         "ELF")
    return false;
  const auto b = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(h[i])); };
  const bool big_endian = b(5) == 2;
  const unsigned machine = big_endian ? (b(18) << 8) | b(19) : b(18) | (b(19) << 8);
  return machine == kEmBpf;
}

std::string object_stem(const std::string& name) {
  for (std::string_view suffix : {".bpf.o", ".o", ".elf"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix))
      return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

Result<Corpus> discover_corpus(const std::vector<fs::path>& roots, const CaseLoader& cases) {
  Corpus out;
  Walker w{cases, out, {}, {}};
  for (const auto& root : roots) {
    out.roots.push_back(root.string());
    struct stat st;
    if (::stat(root.c_str(), &st) != 0)
      return Error{"corpus path does not exist or cannot be reached (build the bundled corpus or "
                   "pass --corpus)",
                   root.string(), errno};
    Result<void> r;
    if (S_ISDIR(st.st_mode))
      r = w.dir(root, "", root.string(), 0);
    else if (S_ISREG(st.st_mode))
      r = w.file(root, root.filename().string(), root.string());
    else
      out.notes.push_back(skipped_special(root.string(), st.st_mode));
    if (!r) return r.error();
  }
  std::sort(out.objects.begin(), out.objects.end(),
            [](const CorpusObject& a, const CorpusObject& b) { return a.name < b.name; });
  return out;
}

} // namespace vmtest
