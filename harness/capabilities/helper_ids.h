// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Helper id -> name. Kernels older than a helper reject a call to it as
// "invalid func unknown#181": they do not know its name, so we look it up in the uapi list
// this harness was built against (ids are stable: new helpers are only ever appended).
#include <optional>
#include <string>

namespace vmtest {

// "bpf_loop" for 181; nullopt for 0 (unspec) and ids beyond the build's uapi header.
std::optional<std::string> helper_name_for_id(long id);

} // namespace vmtest
