// SPDX-License-Identifier: BSD-2-Clause
#include "report/markdown_escape.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(MarkdownEscape, CodeFenceOutgrowsBackticksInTheLog) {
  EXPECT_EQ(markdown_code_block("a ```` b\n"), "`````text\na ```` b\n`````\n");
  EXPECT_EQ(markdown_code_block("plain"), "```text\nplain\n```\n");
  EXPECT_EQ(markdown_escape("[x](javascript:1) | *y* <b>"),
            "\\[x\\](javascript:1) \\| \\*y\\* &lt;b&gt;");
}

// Names in the verdict matrix keep their underscores (and ~ ! #) readable, but cannot end the
// cell, open a code span or reach the page as HTML either.
TEST(MarkdownEscape, TableNamesKeepUnderscores) {
  EXPECT_EQ(markdown_escape("xdp_prog#1!"), "xdp\\_prog\\#1\\!");
  EXPECT_EQ(markdown_table_name("xdp_prog#1!"), "xdp_prog#1!");
  EXPECT_EQ(markdown_table_name("a|b`<img>\nc"), "a\\|b\\`&lt;img&gt; c");
  EXPECT_EQ(markdown_table_name("caf\xe9"), "caf\\\\xe9"); // \xHH, its backslash escaped
}

} // namespace vmtest
