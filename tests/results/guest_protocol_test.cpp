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

TEST(GuestProtocol, LengthMustMatchEndMarker) {
  std::string raw = std::string(kFrameBegin) + "3\n{}xx\n" + std::string(kFrameEnd) + "\n";
  EXPECT_FALSE(unframe_report(raw).ok());
  std::string bad_len = std::string(kFrameBegin) + "abc\n{}\n" + std::string(kFrameEnd) + "\n";
  EXPECT_FALSE(unframe_report(bad_len).ok());
}

}  // namespace vmtest
