// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Escaping for GitHub-flavoured markdown: the step summary and the README's verdict matrix.
// Run values are escaped so they cannot add markup, links or HTML (GitHub renders HTML in
// markdown, so < > & become entities).
#include <string>
#include <string_view>

namespace vmtest {

// Inline markdown text: backslash-escapes markdown punctuation and turns < > & into entities.
std::string markdown_escape(std::string_view text);
// A name in a table cell: as markdown_escape, but _ ~ ! # are left alone, so names with
// underscores read as they always did; nothing in them can end the cell or the row.
std::string markdown_table_name(std::string_view text);
// A fenced code block whose fence is longer than any backtick run inside `body`.
std::string markdown_code_block(const std::string& body, const std::string& lang = "text");
// An inline code span (a file name) whose fence is longer than any backtick run inside it, so
// the text cannot close the span early and reach the page as markup.
std::string markdown_code_span(std::string_view text);

} // namespace vmtest
