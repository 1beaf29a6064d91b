#pragma once
// The guest writes its report to a dedicated serial port. Serial output can be cut short (a
// panic, a timeout), so the JSON is framed with its byte length: a truncated report is
// detected instead of being half-parsed.
#include <string>
#include <string_view>

#include "core/result.h"

namespace vmtest {

inline constexpr std::string_view kFrameBegin = "VMTEST-RESULTS-BEGIN ";
inline constexpr std::string_view kFrameEnd = "VMTEST-RESULTS-END";

std::string frame_report(std::string_view json);
// Finds the last complete frame in raw serial output and returns its JSON text.
Result<std::string> unframe_report(std::string_view raw);

}  // namespace vmtest
