// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Escaping for XML 1.0: JUnit's text and attribute values.
#include <string>
#include <string_view>

namespace vmtest {

// Escapes & < > " ' and replaces characters XML 1.0 forbids (control characters).
std::string xml_escape(std::string_view text);

} // namespace vmtest
