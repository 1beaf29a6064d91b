// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Debian version ordering (epoch, upstream, revision; '~' sorts before everything), so the
// lock refresh can pick the newest of several versions apt offers without asking dpkg.
#include <string_view>

namespace vmtest {

// <0, 0, >0 like strcmp.
int compare_debian_versions(std::string_view a, std::string_view b);

} // namespace vmtest
