// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The verdict as JSON (`--verdict-json FILE`), for tools that act on it (a PR comment bot, a
// dashboard) without parsing text: the outcome, the exit code and every finding with where it
// sits. It is a rendering of the GateVerdict like any report; it decides nothing.
#include "gate/gate.h"

#include <nlohmann/json.hpp>

namespace vmtest {

nlohmann::json verdict_to_json(const GateVerdict& v);

} // namespace vmtest
