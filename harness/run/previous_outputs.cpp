// SPDX-License-Identifier: BSD-2-Clause
#include "run/previous_outputs.h"

#include <algorithm>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

// Two names for one file (`--junit OUT/junit.xml` given as `./OUT/junit.xml`) are one output.
bool inside(const fs::path& file, const fs::path& dir) {
  std::error_code ec;
  return fs::weakly_canonical(fs::absolute(file, ec).parent_path(), ec) ==
         fs::weakly_canonical(fs::absolute(dir, ec), ec);
}

} // namespace

Result<RetiredOutputs> retire_previous_outputs(const fs::path& out_dir,
                                               const std::vector<fs::path>& extra) {
  std::vector<fs::path> in_out, elsewhere;
  for (const char* name : kTrustedOutputs)
    if (present(out_dir / name)) in_out.push_back(out_dir / name);
  for (const auto& p : extra) {
    if (p.empty() || !present(p)) continue;
    if (inside(p, out_dir)) {
      if (std::find(in_out.begin(), in_out.end(), out_dir / p.filename()) == in_out.end())
        in_out.push_back(out_dir / p.filename());
    } else {
      elsewhere.push_back(p);
    }
  }

  RetiredOutputs r;
  std::error_code ec;
  const fs::path previous = out_dir / kPreviousOutputsDir;
  bool can_move = false;
  if (!in_out.empty()) {
    fs::remove_all(previous, ec); // the generation before the previous one
    can_move = !ec && fs::create_directory(previous, ec) && !ec;
  }
  for (const auto& p : in_out) {
    const std::string name = p.filename().string();
    if (can_move) {
      fs::rename(p, previous / name, ec);
      if (!ec) {
        r.moved.push_back(name);
        continue;
      }
    }
    fs::remove_all(p, ec);
    if (ec || present(p))
      return Error{"cannot move the previous run's " + name + " out of the way (" +
                       (ec ? ec.message() : std::string("still there")) +
                       "); remove it, or pass another --out",
                   p.string()};
    r.removed.push_back(name);
  }
  for (const auto& p : elsewhere) {
    fs::remove(p, ec);
    if (ec || present(p))
      return Error{"cannot remove the previous run's output (" +
                       (ec ? ec.message() : std::string("still there")) + ")",
                   p.string()};
    r.removed.push_back(p.string());
  }
  return r;
}

} // namespace vmtest
