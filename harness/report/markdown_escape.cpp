// SPDX-License-Identifier: BSD-2-Clause
#include "report/markdown_escape.h"

#include "report/escape.h"

#include <algorithm>

namespace vmtest {

namespace {

// `names`: leave the punctuation that is common in names and harmless in a table cell.
bool markdown_replace(char ch, std::string& out, bool names) {
  switch (ch) {
  case '<':
    out += "&lt;";
    return true;
  case '>':
    out += "&gt;";
    return true;
  case '&':
    out += "&amp;";
    return true;
  case '\n':
  case '\r':
    out += ' ';
    return true;
  case '_':
  case '~':
  case '!':
  case '#':
    if (names) return false;
    [[fallthrough]];
  case '\\':
  case '`':
  case '*':
  case '[':
  case ']':
  case '|':
    out += '\\';
    out += ch;
    return true;
  default:
    return false;
  }
}

size_t longest_backtick_run(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char ch : text) {
    run = ch == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

} // namespace

std::string markdown_escape(std::string_view bytes) {
  return escape_bytes(bytes,
                      [](char ch, std::string& out) { return markdown_replace(ch, out, false); });
}

std::string markdown_table_name(std::string_view bytes) {
  return escape_bytes(bytes,
                      [](char ch, std::string& out) { return markdown_replace(ch, out, true); });
}

std::string markdown_code_block(const std::string& bytes, const std::string& lang) {
  const std::string body = display_text(bytes);
  const std::string fence(std::max<size_t>(3, longest_backtick_run(body) + 1), '`');
  return fence + lang + "\n" + body + (body.empty() || body.back() == '\n' ? "" : "\n") + fence +
         "\n";
}

std::string markdown_code_span(std::string_view bytes) {
  std::string text = display_text(bytes);
  // A line break would end the table row or list item the span sits in.
  for (char& ch : text)
    if (ch == '\n' || ch == '\r') ch = ' ';
  const std::string fence(longest_backtick_run(text) + 1, '`');
  // CommonMark strips one space from each end of a span; padding keeps a leading or trailing
  // backtick of the text from joining the fence.
  const bool pad = !text.empty() && (text.front() == '`' || text.back() == '`' ||
                                     (text.front() == ' ' && text.back() == ' '));
  return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

} // namespace vmtest
