// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Escaping for HTML: the report page's text and attribute values (mstch's {{ }} uses this).
#include <string>
#include <string_view>

namespace vmtest {

// Escapes & < > " ' (and ` and =, which matter in unquoted attributes) for text and attributes.
std::string html_escape(std::string_view text);

} // namespace vmtest
