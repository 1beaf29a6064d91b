// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Hosts come from the environment, never from the repository: a matrix URL may say
// ${VMTEST_RPM_MIRROR}/..., and the OCI registry is $VMTEST_OCI_REGISTRY. The lookup is a
// function so tests can supply their own environment.
#include "core/result.h"

#include <functional>
#include <string>
#include <vector>

namespace vmtest {

using EnvLookup = std::function<std::string(const std::string& name)>;
std::string process_env(const std::string& name); // getenv, "" when unset

// Names of the ${VAR}s in `text` that `env` leaves empty.
std::vector<std::string> missing_env_vars(const std::string& text, const EnvLookup& env);
// `text` with every ${VAR} replaced; an error naming the first unset variable.
Result<std::string> expand_env_vars(const std::string& text, const EnvLookup& env);

} // namespace vmtest
