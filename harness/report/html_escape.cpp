// SPDX-License-Identifier: BSD-2-Clause
#include "report/html_escape.h"

#include "report/escape.h"

namespace vmtest {

std::string html_escape(std::string_view bytes) {
  // Names and log lines are bytes: bad UTF-8 is shown as \xHH, never passed on raw.
  return escape_bytes(bytes, [](char ch, std::string& out) {
    switch (ch) {
    case '&':
      out += "&amp;";
      return true;
    case '<':
      out += "&lt;";
      return true;
    case '>':
      out += "&gt;";
      return true;
    case '"':
      out += "&quot;";
      return true;
    case '\'':
      out += "&#39;";
      return true;
    case '`':
      out += "&#96;";
      return true;
    case '=':
      out += "&#61;";
      return true;
    default:
      return false;
    }
  });
}

} // namespace vmtest
