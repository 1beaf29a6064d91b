// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// A corpus is whatever folders (or files) the user points at. Folders are walked recursively,
// following symbolic links but never into a folder already visited (a symlink loop ends
// there), and every ELF file whose machine is BPF (EM_BPF) is an object, whatever it is called
// (.o, .bpf.o, .elf, no suffix). No sidecar is needed; testrun/ cases are attached by stem.
// A file that cannot be read is not dropped: when its name says it is an object it becomes an
// object with an error, so one broken file is reported and never hides the others.
#include "core/result.h"
#include "results/manifest.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace vmtest {

struct CorpusObject {
  std::string name; // path relative to its root, '/'-separated, e.g. "parser.bpf.o", "net/xdp.o"
  std::string stem; // name without ".bpf.o" / ".o" / ".elf", the key into testrun/
  std::filesystem::path path;
  std::string sha256;
  std::string error; // set when the host could not read it; it then never reaches a guest
  std::vector<TestCase> cases;
  std::vector<Preset> presets; // testrun/<stem>.yaml's presets: one variant each
};

struct Corpus {
  std::vector<CorpusObject> objects; // sorted by name
  std::vector<std::string> roots;    // as given
  int64_t files_scanned = 0;         // regular files looked at, BPF or not
  std::vector<std::string> notes;    // symlink loops and the like, for the user
};

// Looks up what testrun/ declares for one object stem (cases and presets); empty: nothing.
using CaseLoader = std::function<Result<TestrunSpec>(const std::string& stem)>;

// A missing root is an error (a mistyped path must not pass as an empty corpus); an existing
// but empty one is not: zero objects is for the gate to judge.
Result<Corpus> discover_corpus(const std::vector<std::filesystem::path>& roots,
                               const CaseLoader& cases);

std::string object_stem(const std::string& name);

// True when the first bytes are an ELF header whose e_machine is EM_BPF (247), in either byte
// order.
bool is_bpf_elf(std::string_view header);

} // namespace vmtest
