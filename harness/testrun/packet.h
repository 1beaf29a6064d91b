// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Builds test packets from header fields: Ethernet, optional VLAN tags, IPv4 or IPv6, then
// TCP, UDP or ICMP/ICMPv6 and a payload. Lengths and checksums (IPv4 header, and the L4
// checksum over the pseudo-header) are always computed, so a case only states the fields
// it cares about and the parser under test sees a packet the stack would accept.
// Pure bytes in, bytes out: the YAML side lives in testrun_file.cpp.
#include "core/result.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace vmtest {

using MacAddr = std::array<uint8_t, 6>;
using Ipv4Addr = std::array<uint8_t, 4>;
using Ipv6Addr = std::array<uint8_t, 16>;

struct EthSpec {
  MacAddr src{0x02, 0, 0, 0, 0, 0x01};
  MacAddr dst{0x02, 0, 0, 0, 0, 0x02};
  // Only needed when no IP layer follows; otherwise implied by the next layer.
  std::optional<uint16_t> type;
};

struct VlanTag {
  uint16_t id = 0; // 12 bits
  uint8_t pcp = 0; // 3 bits
  uint16_t tpid = 0x8100;
};

struct Ipv4Spec {
  Ipv4Addr src{};
  Ipv4Addr dst{};
  uint8_t ttl = 64;
  uint8_t tos = 0;
  uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  uint16_t frag_offset = 0;        // in 8-byte units, 13 bits
  std::optional<uint8_t> protocol; // implied by the L4 layer when absent
  std::vector<uint8_t> options;    // multiple of 4 bytes, at most 40
};

struct Ipv6Spec {
  Ipv6Addr src{};
  Ipv6Addr dst{};
  uint8_t hop_limit = 64;
  uint8_t traffic_class = 0;
  uint32_t flow_label = 0;            // 20 bits
  std::optional<uint8_t> next_header; // implied by the L4 layer when absent
};

// TCP flag bits as they sit in the header's flags byte.
enum TcpFlag : uint8_t {
  kTcpFin = 0x01,
  kTcpSyn = 0x02,
  kTcpRst = 0x04,
  kTcpPsh = 0x08,
  kTcpAck = 0x10,
  kTcpUrg = 0x20,
  kTcpEce = 0x40,
  kTcpCwr = 0x80,
};

struct TcpSpec {
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 65535;
};

struct UdpSpec {
  uint16_t sport = 0;
  uint16_t dport = 0;
};

// ICMP over IPv4, ICMPv6 over IPv6: same 8-byte echo-style header.
struct IcmpSpec {
  uint8_t type = 8; // echo request (use 128 for ICMPv6)
  uint8_t code = 0;
  uint16_t id = 0;
  uint16_t seq = 0;
};

struct PacketSpec {
  EthSpec eth;
  std::vector<VlanTag> vlans;
  std::variant<std::monostate, Ipv4Spec, Ipv6Spec> l3;
  std::variant<std::monostate, TcpSpec, UdpSpec, IcmpSpec> l4;
  std::vector<uint8_t> payload;
};

Result<std::vector<uint8_t>> build_packet(const PacketSpec& spec);

// RFC 1071 one's-complement sum, folded and inverted. `initial` carries a partial sum
// (the pseudo-header) into the computation.
uint16_t internet_checksum(std::span<const uint8_t> bytes, uint32_t initial = 0);

// Field parsers for the textual forms used in test case files.
std::optional<MacAddr> parse_mac(std::string_view text);   // "02:00:00:00:00:01"
std::optional<Ipv4Addr> parse_ipv4(std::string_view text); // "10.0.0.1"
std::optional<Ipv6Addr> parse_ipv6(std::string_view text); // "fd00::1"
std::optional<uint8_t> tcp_flag(std::string_view name);    // "syn", "ack", ...

} // namespace vmtest
