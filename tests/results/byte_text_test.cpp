// SPDX-License-Identifier: BSD-2-Clause
#include "results/byte_text.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vmtest {
namespace {

using nlohmann::json;

TEST(ByteText, Utf8IsJudgedAsNlohmannJudgesIt) {
  EXPECT_TRUE(is_utf8("plain ascii"));
  EXPECT_TRUE(is_utf8("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_utf8("caf\xe9"));          // Latin-1
  EXPECT_FALSE(is_utf8("\xc0\xaf"));         // overlong '/'
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));     // a surrogate
  EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
  EXPECT_FALSE(is_utf8("\xe2\x9c"));         // cut short
  for (const std::string s : {"caf\xe9", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x9c"})
    EXPECT_THROW((void)json(s).dump(), json::type_error) << "nlohmann must agree: " << s;
}

TEST(ByteText, EscapingIsLosslessForEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  for (const std::string s : {all, std::string("a\\xe9b"), std::string("\\\\x41"),
                              std::string("caf\xe9.bpf.o"), std::string()}) {
    const std::string e = escape_bytes(s);
    EXPECT_TRUE(is_utf8(e)) << e;
    auto back = unescape_bytes(e);
    ASSERT_TRUE(back.ok()) << back.error().str();
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(escape_bytes("caf\xe9\\"), "caf\\xe9\\\\");
  EXPECT_FALSE(unescape_bytes("a\\q").ok());
  EXPECT_FALSE(unescape_bytes("a\\x4").ok());
  EXPECT_FALSE(unescape_bytes("trailing\\").ok());
}

TEST(ByteText, FieldsThatAreNotUtf8CarryTheirMarkerAndReadBackExactly) {
  json j = json::object();
  put_bytes(j, "name", "caf\xe9.bpf.o");
  put_bytes(j, "section", "xdp");
  put_bytes_list(j, "log_tail", {"ok line", "; x /* caf\xe9 */ @ a.bpf.c:3"});
  EXPECT_EQ(j["name"], "caf\\xe9.bpf.o");
  EXPECT_EQ(j["name_escaped"], true);
  EXPECT_FALSE(j.contains("section_escaped"));
  EXPECT_EQ(j["log_tail_escaped"], true);
  const std::string text = dump_json(j); // would throw type_error.316 on the raw bytes
  json k = json::parse(text);
  std::string name, section;
  std::vector<std::string> tail;
  get_bytes(k, "name", name);
  get_bytes(k, "section", section);
  get_bytes_list(k, "log_tail", tail);
  EXPECT_EQ(name, "caf\xe9.bpf.o");
  EXPECT_EQ(section, "xdp");
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[1], "; x /* caf\xe9 */ @ a.bpf.c:3");
  // A UTF-8 name with a backslash is not escaped, and reads back as written.
  json u = json::object();
  put_bytes(u, "name", "p\\q.bpf.o");
  EXPECT_EQ(u["name"], "p\\q.bpf.o");
  get_bytes(u, "name", name);
  EXPECT_EQ(name, "p\\q.bpf.o");
  // A marked field whose escape is broken is an error, not garbage.
  json bad{{"name", "a\\q"}, {"name_escaped", true}};
  EXPECT_THROW(get_bytes(bad, "name", name), json::exception);
}

TEST(ByteText, DumpNeverThrows) {
  json j{{"error", "cannot open caf\xe9.bpf.o"}};
  EXPECT_THROW((void)j.dump(), json::type_error);
  EXPECT_EQ(dump_json(j), "{\"error\":\"cannot open caf\xef\xbf\xbd.bpf.o\"}");
}

TEST(ByteText, DisplayFormsAreTextAndTerminalFormsCannotDriveTheTerminal) {
  EXPECT_EQ(display_text("caf\xe9.bpf.o"), "caf\\xe9.bpf.o");
  EXPECT_EQ(display_text("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(terminal_text("x\x1b[2J\rvmtest: clean"), "x\\x1b[2J\\x0dvmtest: clean");
  EXPECT_EQ(terminal_text("a\tb"), "a\\x09b");
  EXPECT_EQ(terminal_text("a\tb", true), "a\tb");
  EXPECT_EQ(terminal_text("csi\xc2\x9b"
                          "2J"),
            "csi\\xc2\\x9b2J"); // C1 CSI
  EXPECT_EQ(terminal_text("caf\xc3\xa9 \xe9"), "caf\xc3\xa9 \\xe9");
}

} // namespace
} // namespace vmtest
