// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Real `bpftool feature probe kernel -j` output (bpftool 7.1), captured by `vmtest run` in
// Debian 5.10 and 6.1 guests under qemu and on the 6.18 development host.
#include "../support/fixture.h"

#include <nlohmann/json.hpp>

namespace vmtest::testing {

inline nlohmann::json probe_fixture(const std::string& kernel) {
  return nlohmann::json::parse(fixture("capabilities/" + kernel + ".json"));
}

} // namespace vmtest::testing
