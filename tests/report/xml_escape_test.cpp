// SPDX-License-Identifier: BSD-2-Clause
#include "report/xml_escape.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(XmlEscape, DropsForbiddenCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\tz\n", 6)), "x\xEF\xBF\xBDy\tz\n");
  EXPECT_EQ(xml_escape("a\rb=`"), "a\rb=`"); // XML has no unquoted attributes
}

} // namespace vmtest
