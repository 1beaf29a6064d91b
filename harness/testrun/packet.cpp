// SPDX-License-Identifier: BSD-2-Clause
#include "testrun/packet.h"

#include <arpa/inet.h>
#include <string>

namespace vmtest {
namespace {

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthIpv6 = 0x86dd;
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoIcmpv6 = 58;

void put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
void set16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
template <size_t N> void put(std::vector<uint8_t>& b, const std::array<uint8_t, N>& a) {
  b.insert(b.end(), a.begin(), a.end());
}

// Unfolded one's-complement sum of big-endian 16-bit words.
uint32_t sum16(std::span<const uint8_t> bytes, uint32_t sum = 0) {
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2)
    sum += static_cast<uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < bytes.size()) sum += static_cast<uint32_t>(bytes[i] << 8);
  return sum;
}

uint8_t l4_protocol(const PacketSpec& spec, bool ipv6) {
  if (std::holds_alternative<TcpSpec>(spec.l4)) return kProtoTcp;
  if (std::holds_alternative<UdpSpec>(spec.l4)) return kProtoUdp;
  if (std::holds_alternative<IcmpSpec>(spec.l4)) return ipv6 ? kProtoIcmpv6 : kProtoIcmp;
  return 0;
}

// The L4 header followed by the payload, with its checksum field still zero. Returns the
// offset of the checksum field within the segment (or npos for "no checksum").
std::vector<uint8_t> l4_segment(const PacketSpec& spec, size_t& checksum_at) {
  std::vector<uint8_t> s;
  checksum_at = std::string::npos;
  if (auto* t = std::get_if<TcpSpec>(&spec.l4)) {
    put16(s, t->sport);
    put16(s, t->dport);
    put32(s, t->seq);
    put32(s, t->ack);
    s.push_back(5 << 4); // data offset: 20 bytes, no options
    s.push_back(t->flags);
    put16(s, t->window);
    checksum_at = s.size();
    put16(s, 0);
    put16(s, 0); // urgent pointer
  } else if (auto* u = std::get_if<UdpSpec>(&spec.l4)) {
    put16(s, u->sport);
    put16(s, u->dport);
    put16(s, static_cast<uint16_t>(8 + spec.payload.size()));
    checksum_at = s.size();
    put16(s, 0);
  } else if (auto* c = std::get_if<IcmpSpec>(&spec.l4)) {
    s.push_back(c->type);
    s.push_back(c->code);
    checksum_at = s.size();
    put16(s, 0);
    put16(s, c->id);
    put16(s, c->seq);
  }
  s.insert(s.end(), spec.payload.begin(), spec.payload.end());
  return s;
}

} // namespace

uint16_t internet_checksum(std::span<const uint8_t> bytes, uint32_t initial) {
  uint32_t sum = sum16(bytes, initial);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

Result<std::vector<uint8_t>> build_packet(const PacketSpec& spec) {
  const bool has_l3 = !std::holds_alternative<std::monostate>(spec.l3);
  const bool has_l4 = !std::holds_alternative<std::monostate>(spec.l4);
  const bool ipv6 = std::holds_alternative<Ipv6Spec>(spec.l3);
  if (has_l4 && !has_l3) return Error{"a tcp/udp/icmp layer needs an ipv4 or ipv6 layer", ""};

  uint16_t ethertype;
  if (spec.eth.type) {
    ethertype = *spec.eth.type;
  } else if (has_l3) {
    ethertype = ipv6 ? kEthIpv6 : kEthIpv4;
  } else {
    return Error{"eth.type is required when no ipv4/ipv6 layer follows", ""};
  }

  std::vector<uint8_t> pkt;
  put(pkt, spec.eth.dst);
  put(pkt, spec.eth.src);
  // Each tag's TPID takes the place of the ethertype; the real ethertype follows the last.
  for (const VlanTag& v : spec.vlans) {
    if (v.id > 0xfff) return Error{"vlan id " + std::to_string(v.id) + " exceeds 4095", ""};
    if (v.pcp > 7) return Error{"vlan pcp " + std::to_string(v.pcp) + " exceeds 7", ""};
    put16(pkt, v.tpid);
    put16(pkt, static_cast<uint16_t>(v.pcp << 13 | v.id));
  }
  put16(pkt, ethertype);

  size_t checksum_at;
  std::vector<uint8_t> seg = l4_segment(spec, checksum_at);

  if (auto* ip = std::get_if<Ipv4Spec>(&spec.l3)) {
    if (ip->options.size() % 4 != 0 || ip->options.size() > 40)
      return Error{"ipv4 options must be a multiple of 4 bytes, at most 40", ""};
    if (ip->frag_offset > 0x1fff) return Error{"ipv4 frag_offset exceeds 8191", ""};
    const size_t hlen = 20 + ip->options.size();
    const size_t total = hlen + seg.size();
    if (total > 0xffff) return Error{"ipv4 packet longer than 65535 bytes", ""};
    const uint8_t proto = ip->protocol ? *ip->protocol : l4_protocol(spec, false);

    std::vector<uint8_t> h;
    h.push_back(static_cast<uint8_t>(0x40 | hlen / 4));
    h.push_back(ip->tos);
    put16(h, static_cast<uint16_t>(total));
    put16(h, ip->id);
    put16(h, static_cast<uint16_t>((ip->dont_fragment ? 0x4000 : 0) |
                                   (ip->more_fragments ? 0x2000 : 0) | ip->frag_offset));
    h.push_back(ip->ttl);
    h.push_back(proto);
    put16(h, 0);
    put(h, ip->src);
    put(h, ip->dst);
    h.insert(h.end(), ip->options.begin(), ip->options.end());
    set16(h, 10, internet_checksum(h));

    if (checksum_at != std::string::npos) {
      uint32_t pseudo = 0;
      if (proto != kProtoIcmp) { // ICMPv4 has no pseudo-header
        pseudo = sum16(ip->src);
        pseudo = sum16(ip->dst, pseudo);
        pseudo += proto;
        pseudo += static_cast<uint32_t>(seg.size());
      }
      uint16_t c = internet_checksum(seg, pseudo);
      if (c == 0 && proto == kProtoUdp) c = 0xffff; // 0 means "no checksum" for UDP
      set16(seg, checksum_at, c);
    }
    pkt.insert(pkt.end(), h.begin(), h.end());
  } else if (auto* ip6 = std::get_if<Ipv6Spec>(&spec.l3)) {
    if (seg.size() > 0xffff) return Error{"ipv6 payload longer than 65535 bytes", ""};
    if (ip6->flow_label > 0xfffff) return Error{"ipv6 flow_label exceeds 20 bits", ""};
    const uint8_t next = ip6->next_header ? *ip6->next_header : l4_protocol(spec, true);
    put32(pkt, 6u << 28 | static_cast<uint32_t>(ip6->traffic_class) << 20 | ip6->flow_label);
    put16(pkt, static_cast<uint16_t>(seg.size()));
    pkt.push_back(next);
    pkt.push_back(ip6->hop_limit);
    put(pkt, ip6->src);
    put(pkt, ip6->dst);
    if (checksum_at != std::string::npos) {
      uint32_t pseudo = sum16(ip6->src);
      pseudo = sum16(ip6->dst, pseudo);
      pseudo += static_cast<uint32_t>(seg.size());
      pseudo += next;
      uint16_t c = internet_checksum(seg, pseudo);
      if (c == 0 && next == kProtoUdp) c = 0xffff;
      set16(seg, checksum_at, c);
    }
  }
  // Without an IP layer the segment is just the payload.
  pkt.insert(pkt.end(), seg.begin(), seg.end());
  return pkt;
}

std::optional<MacAddr> parse_mac(std::string_view text) {
  MacAddr mac{};
  size_t pos = 0;
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i > 0) {
      if (pos >= text.size() || (text[pos] != ':' && text[pos] != '-')) return std::nullopt;
      ++pos;
    }
    unsigned v = 0;
    for (int d = 0; d < 2; ++d, ++pos) {
      if (pos >= text.size()) return std::nullopt;
      char c = text[pos];
      unsigned x;
      if (c >= '0' && c <= '9')
        x = c - '0';
      else if (c >= 'a' && c <= 'f')
        x = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        x = c - 'A' + 10;
      else
        return std::nullopt;
      v = v << 4 | x;
    }
    mac[i] = static_cast<uint8_t>(v);
  }
  if (pos != text.size()) return std::nullopt;
  return mac;
}

std::optional<Ipv4Addr> parse_ipv4(std::string_view text) {
  Ipv4Addr a{};
  if (inet_pton(AF_INET, std::string(text).c_str(), a.data()) != 1) return std::nullopt;
  return a;
}

std::optional<Ipv6Addr> parse_ipv6(std::string_view text) {
  Ipv6Addr a{};
  if (inet_pton(AF_INET6, std::string(text).c_str(), a.data()) != 1) return std::nullopt;
  return a;
}

std::optional<uint8_t> tcp_flag(std::string_view name) {
  static constexpr std::pair<std::string_view, uint8_t> kFlags[] = {
      {"fin", kTcpFin}, {"syn", kTcpSyn}, {"rst", kTcpRst}, {"psh", kTcpPsh},
      {"ack", kTcpAck}, {"urg", kTcpUrg}, {"ece", kTcpEce}, {"cwr", kTcpCwr}};
  for (const auto& [n, bit] : kFlags)
    if (n == name) return bit;
  return std::nullopt;
}

} // namespace vmtest
