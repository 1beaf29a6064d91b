// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Writes an uncompressed cpio "newc" archive, the format the kernel unpacks as initramfs,
// through libarchive. Uncompressed on purpose: under TCG, decompressing in the guest costs
// more boot time than reading a few extra megabytes.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.h"
#include "core/result.h"

namespace vmtest {

class InitramfsWriter {
 public:
  void add_dir(std::string path, unsigned mode = 0755);
  void add_file(std::string path, std::string contents, unsigned mode = 0644);
  Result<void> add_file_from(std::string path, const std::filesystem::path& source,
                             unsigned mode = 0644);
  void add_char_device(std::string path, unsigned major, unsigned minor, unsigned mode = 0600);

  // Writes the archive to `out` atomically (temp file + rename).
  Result<void> write(const std::filesystem::path& out,
                     Durability durability = Durability::Synced) const;
  size_t entry_count() const { return entries_.size(); }

 private:
  struct Entry {
    std::string path;  // relative, no leading slash
    enum Kind { Dir, File, CharDev } kind;
    unsigned mode;
    std::string contents;
    unsigned major = 0, minor = 0;
  };
  std::vector<Entry> entries_;
};

}  // namespace vmtest
