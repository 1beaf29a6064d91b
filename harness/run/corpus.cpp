#include "run/corpus.h"

#include <algorithm>

#include "core/sha256.h"

namespace vmtest {
namespace fs = std::filesystem;

std::string object_stem(const std::string& name) {
  for (std::string_view suffix : {".bpf.o", ".o"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix))
      return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

Result<std::vector<CorpusObject>> discover_corpus(const fs::path& dir, const CaseLoader& cases) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Error{"corpus directory does not exist (build the bundled corpus or pass --corpus)",
                 dir.string()};
  std::vector<CorpusObject> out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".o")) continue;
    CorpusObject obj;
    obj.name = name;
    obj.stem = object_stem(name);
    obj.path = entry.path();
    auto hash = sha256_file(obj.path);
    if (!hash) return hash.error();
    obj.sha256 = *hash;
    if (cases) {
      auto c = cases(obj.stem);
      if (!c) return c.error().wrap("test cases for " + name);
      obj.cases = std::move(*c);
    }
    out.push_back(std::move(obj));
  }
  if (ec) return Error{"cannot list corpus: " + ec.message(), dir.string()};
  std::sort(out.begin(), out.end(),
            [](const CorpusObject& a, const CorpusObject& b) { return a.name < b.name; });
  return out;
}

}  // namespace vmtest
