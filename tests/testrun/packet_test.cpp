// SPDX-License-Identifier: BSD-2-Clause
#include "results/hex.h"
#include "testrun/packet.h"

#include <gtest/gtest.h>

// Expected bytes were produced by an independent implementation (a short Python script
// using struct and ipaddress), not by this builder.
namespace vmtest {
namespace {

std::string build_hex(const PacketSpec& spec) {
  auto bytes = build_packet(spec);
  EXPECT_TRUE(bytes.ok()) << bytes.error().str();
  return bytes.ok() ? to_hex(*bytes) : "";
}

Ipv4Spec ipv4(const char* src, const char* dst) {
  Ipv4Spec ip;
  ip.src = *parse_ipv4(src);
  ip.dst = *parse_ipv4(dst);
  return ip;
}

Ipv6Spec ipv6(const char* src, const char* dst) {
  Ipv6Spec ip;
  ip.src = *parse_ipv6(src);
  ip.dst = *parse_ipv6(dst);
  return ip;
}

} // namespace

TEST(PacketTest, InternetChecksumMatchesTextbookIpv4Header) {
  // The well-known example header 4500 0073 0000 4000 4011 xxxx c0a8 0001 c0a8 00c7.
  auto h = *parse_hex("450000730000400040110000c0a80001c0a800c7");
  EXPECT_EQ(internet_checksum(h), 0xb861);
  h[10] = 0xb8;
  h[11] = 0x61;
  EXPECT_EQ(internet_checksum(h), 0); // a correct header sums to zero
}

TEST(PacketTest, Ipv4TcpSynWithPayload) {
  PacketSpec s;
  s.l3 = ipv4("10.0.0.1", "10.0.0.2");
  TcpSpec t;
  t.sport = 1234;
  t.dport = 80;
  t.flags = kTcpSyn;
  s.l4 = t;
  s.payload = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(build_hex(s),
            "020000000002020000000001" // dst, src
            "0800"
            "4500002c00000000400666ca0a0000010a000002" // total 44, checksum 66ca
            "04d2005000000000000000005002fffff91c0000" // tcp checksum f91c
            "deadbeef");
}

TEST(PacketTest, Ipv6UdpLengthsAndChecksum) {
  PacketSpec s;
  s.l3 = ipv6("fd00::1", "fd00::2");
  s.l4 = UdpSpec{5353, 53};
  s.payload = {'a', 'b', 'c', 'd'};
  EXPECT_EQ(build_hex(s),
            "02000000000202000000000186dd"
            "60000000000c1140fd000000000000000000000000000001fd000000000000000000000000000002"
            "14e90035000c2bed61626364");
}

TEST(PacketTest, VlanTaggedIcmpEcho) {
  PacketSpec s;
  s.vlans.push_back(VlanTag{100, 0, 0x8100});
  auto ip = ipv4("192.168.0.1", "192.168.0.199");
  ip.ttl = 1;
  s.l3 = ip;
  s.l4 = IcmpSpec{8, 0, 7, 1};
  EXPECT_EQ(build_hex(s),
            "0200000000020200000000018100006408004500001c00000000010137c9c0a80001c0a800c7"
            "0800f7f700070001");
}

TEST(PacketTest, Ipv4OptionsDontFragmentAndUdp) {
  PacketSpec s;
  auto ip = ipv4("10.5.0.1", "10.5.0.2");
  ip.options = {0x01, 0x01, 0x01, 0x00};
  ip.dont_fragment = true;
  s.l3 = ip;
  s.l4 = UdpSpec{1000, 2000};
  s.payload = {0x00};
  EXPECT_EQ(build_hex(s), "020000000002020000000001080046000021000040004011"
                          "23bf0a0500010a0500020101010003e807d00009e01700");
}

TEST(PacketTest, Icmpv6EchoUsesPseudoHeader) {
  PacketSpec s;
  auto ip = ipv6("fd00::a", "fd00::b");
  ip.hop_limit = 1;
  s.l3 = ip;
  s.l4 = IcmpSpec{128, 0, 1, 2};
  EXPECT_EQ(build_hex(s),
            "02000000000202000000000186dd6000000000083a01fd00000000000000000000000000000a"
            "fd00000000000000000000000000000b800085a300010002");
}

TEST(PacketTest, QinQTagsKeepTheirTpidsInOrder) {
  PacketSpec s;
  s.vlans = {VlanTag{10, 0, 0x88a8}, VlanTag{200, 3, 0x8100}};
  s.eth.type = 0x88b5;
  EXPECT_EQ(build_hex(s), "02000000000202000000000188a8000a810060c888b5");
}

TEST(PacketTest, EthernetOnlyNeedsAType) {
  PacketSpec s;
  auto r = build_packet(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("eth.type"), std::string::npos);
  s.eth.type = 0x0806;
  s.payload = {1, 2};
  EXPECT_EQ(build_hex(s), "02000000000202000000000108060102");
}

TEST(PacketTest, ExplicitProtocolOverridesAndL4NeedsL3) {
  PacketSpec s;
  auto ip = ipv4("10.0.0.1", "10.0.0.2");
  ip.protocol = 6; // claims TCP, carries 2 bytes: a truncated segment
  s.l3 = ip;
  s.payload = {0x04, 0x57};
  auto bytes = build_packet(s);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[14 + 9], 6);
  EXPECT_EQ(bytes->size(), 14u + 20 + 2);
  EXPECT_EQ(internet_checksum(std::span(*bytes).subspan(14, 20)), 0);

  PacketSpec bad;
  bad.l4 = UdpSpec{1, 2};
  EXPECT_FALSE(build_packet(bad).ok());
}

TEST(PacketTest, RejectsMalformedFieldValues) {
  PacketSpec s;
  auto ip = ipv4("10.0.0.1", "10.0.0.2");
  ip.options = {1, 1, 1}; // not a multiple of 4
  s.l3 = ip;
  EXPECT_FALSE(build_packet(s).ok());

  PacketSpec v;
  v.vlans = {VlanTag{4096, 0, 0x8100}};
  v.eth.type = 0x0800;
  EXPECT_FALSE(build_packet(v).ok());
}

TEST(PacketTest, FieldParsers) {
  EXPECT_EQ(parse_mac("02:00:00:00:00:0A"), (MacAddr{2, 0, 0, 0, 0, 10}));
  EXPECT_FALSE(parse_mac("02:00:00:00:00"));
  EXPECT_FALSE(parse_mac("02:00:00:00:00:00:00"));
  EXPECT_FALSE(parse_mac("0g:00:00:00:00:00"));
  EXPECT_EQ(parse_ipv4("10.0.0.1"), (Ipv4Addr{10, 0, 0, 1}));
  EXPECT_FALSE(parse_ipv4("10.0.0.256"));
  EXPECT_TRUE(parse_ipv6("fd00::1"));
  EXPECT_FALSE(parse_ipv6("10.0.0.1"));
  EXPECT_EQ(tcp_flag("syn"), kTcpSyn);
  EXPECT_FALSE(tcp_flag("SYN"));
}

} // namespace vmtest
