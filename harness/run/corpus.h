#pragma once
// A corpus is any directory of compiled BPF objects (*.o). No sidecar is needed; testrun/
// cases are attached by object stem when they exist.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "results/manifest.h"

namespace vmtest {

struct CorpusObject {
  std::string name;  // file name, e.g. "bpf_loop.bpf.o"
  std::string stem;  // name without ".bpf.o" / ".o", the key into testrun/
  std::filesystem::path path;
  std::string sha256;
  std::vector<TestCase> cases;
};

// Looks up the testrun/ cases of one object stem; an empty list means "no cases".
using CaseLoader = std::function<Result<std::vector<TestCase>>(const std::string& stem)>;

// Objects sorted by name. A missing directory is an error; an empty one is a valid corpus.
Result<std::vector<CorpusObject>> discover_corpus(const std::filesystem::path& dir,
                                                  const CaseLoader& cases);

std::string object_stem(const std::string& file_name);

}  // namespace vmtest
