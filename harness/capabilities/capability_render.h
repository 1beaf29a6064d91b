// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Renders a CapabilityMatrix for `vmtest capabilities`: an aligned text table grouped by
// category, CSV (category,feature,<kernel>...), or JSON for tools.
#include "capabilities/capability_matrix.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vmtest {

// `notes` are printed under the heading (e.g. kernels that recorded no probe).
std::string render_capabilities_text(const CapabilityMatrix& m,
                                     const std::vector<std::string>& notes = {});
std::string render_capabilities_csv(const CapabilityMatrix& m);
// {"kernels": [...], "folded": N, "total": N, "rows": [{"category", "feature",
//  "values": {kernel: value}}], "notes": [...]}
nlohmann::json capabilities_to_json(const CapabilityMatrix& m,
                                    const std::vector<std::string>& notes = {});

} // namespace vmtest
