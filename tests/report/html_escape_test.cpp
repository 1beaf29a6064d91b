// SPDX-License-Identifier: BSD-2-Clause
#include "report/html_escape.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(HtmlEscape, EscapesMarkupQuotesAndAttributeBreakers) {
  EXPECT_EQ(html_escape("<a href=\"x\" title='y'>&`"),
            "&lt;a href&#61;&quot;x&quot; title&#61;&#39;y&#39;&gt;&amp;&#96;");
  EXPECT_EQ(html_escape("r1 += 2"), "r1 +&#61; 2");
  EXPECT_EQ(html_escape("plain µs"), "plain µs");
}

TEST(HtmlEscape, BytesThatAreNotUtf8AreShownAsHex) {
  EXPECT_EQ(html_escape("caf\xe9<"), "caf\\xe9&lt;");
}

} // namespace vmtest
