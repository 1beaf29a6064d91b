#include "results/guest_protocol.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(GuestProtocol, RoundTripsThroughSerialNoise) {
  std::string json = R"({"objects":[]})";
  std::string raw = "garbage from firmware\r\n" + frame_report(json) + "trailing";
  auto got = unframe_report(raw);
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_EQ(*got, json);
}

TEST(GuestProtocol, TruncatedFrameIsAnError) {
  std::string framed = frame_report(R"({"objects":[1,2,3]})");
  // Cut inside the JSON body, as a guest that dies mid-write would.
  auto got = unframe_report(framed.substr(0, framed.find("2,3")));
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().what.find("truncated"), std::string::npos);
}

TEST(GuestProtocol, MissingFrameSaysNoResults) {
  auto got = unframe_report("just a console line\n");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().what.find("no results"), std::string::npos);
}

// Built with append() into one string: chained std::string(...) + "..." temporaries make GCC 12
// warn -Wstringop-overflow about its own inlined memcpy.
static std::string frame(std::string_view body) {
  std::string s;
  s.append(kFrameBegin).append(body).append(kFrameEnd).append("\n");
  return s;
}

TEST(GuestProtocol, LengthMustMatchEndMarker) {
  EXPECT_FALSE(unframe_report(frame("3\n{}xx\n")).ok());
  EXPECT_FALSE(unframe_report(frame("abc\n{}\n")).ok());
}

}  // namespace vmtest
