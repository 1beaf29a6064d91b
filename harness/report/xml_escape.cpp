// SPDX-License-Identifier: BSD-2-Clause
#include "report/xml_escape.h"

#include "report/escape.h"

namespace vmtest {

std::string xml_escape(std::string_view bytes) {
  // Bytes that are not UTF-8 would make the whole file unreadable XML: shown as \xHH.
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
      out += "&apos;";
      return true;
    case '\t':
    case '\n':
    case '\r':
      return false;
    default:
      // XML 1.0 has no way to write most control characters, not even as references.
      if (static_cast<unsigned char>(ch) >= 0x20) return false;
      out += "\xEF\xBF\xBD";
      return true;
    }
  });
}

} // namespace vmtest
