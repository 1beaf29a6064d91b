// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// What the escaping modules share (html_escape.h, xml_escape.h, markdown_escape.h, one per
// output syntax): values from a run are bytes, so they are first made displayable (bad UTF-8
// as \xHH, results/byte_text.h), then each character that means something in the syntax is
// replaced by the syntax's own table.
#include "results/byte_text.h"

#include <string>
#include <string_view>

namespace vmtest {

// `replace(ch, out)` appends the replacement of `ch` to `out` and returns true, or returns
// false to keep `ch` as it is.
template <class Replace> std::string escape_bytes(std::string_view bytes, Replace replace) {
  const std::string text = display_text(bytes);
  std::string out;
  out.reserve(text.size());
  for (char ch : text)
    if (!replace(ch, out)) out += ch;
  return out;
}

} // namespace vmtest
