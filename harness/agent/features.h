#pragma once
// Verifier behaviours differ across kernels and backports, so we probe them by loading tiny
// programs instead of trusting version numbers.
#include "results/results.h"

namespace vmtest {

AgentFeatures probe_features();

}  // namespace vmtest
