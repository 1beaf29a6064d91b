#pragma once
#include "results/manifest.h"
#include "results/results.h"

namespace vmtest {
// Loads and runs every program of every object in the manifest on the running kernel.
AgentReport run_agent(const Manifest& manifest);
}  // namespace vmtest
