#pragma once
// Where vmtest finds its bundled inputs when the user does not say: the matrix and testrun/
// in the current checkout (or the source tree it was built from), the corpus next to the
// binary in the build tree.
#include <filesystem>

namespace vmtest {

std::filesystem::path executable_dir();
// `relative` under the current directory if it exists there, else under the source tree.
std::filesystem::path project_path(const std::filesystem::path& relative);
std::filesystem::path default_corpus_dir();
std::filesystem::path default_agent_path();

}  // namespace vmtest
