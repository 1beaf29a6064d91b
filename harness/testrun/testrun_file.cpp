// SPDX-License-Identifier: BSD-2-Clause
#include "testrun/testrun_file.h"

#include "core/fs.h"
#include "results/hex.h"
#include "testrun/packet.h"
#include "testrun/retval.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <utility>
#include <yaml-cpp/yaml.h>

namespace vmtest {
namespace {

// Unwraps a Result or returns its error from the enclosing function.
#define VMTEST_TRY(var, expr)                                                                      \
  auto var##_result = (expr);                                                                      \
  if (!var##_result.ok()) return var##_result.error();                                             \
  auto var = std::move(var##_result.value())

std::string yaml_error(const YAML::Exception& e) {
  if (e.mark.is_null()) return "invalid YAML: " + e.msg;
  return "invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
}

Error field_error(std::string_view where, std::string what) {
  return Error{std::string(where) + ": " + what, ""};
}

std::string join(std::initializer_list<std::string_view> names) {
  std::string s;
  for (auto n : names)
    s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

Result<void> check_map(const YAML::Node& node, std::string_view where,
                       std::initializer_list<std::string_view> known) {
  if (!node.IsMap()) return field_error(where, "expected a map");
  for (const auto& kv : node) {
    // A key may itself be a list or a map in YAML ({[a]: 1}); name it rather than throw.
    if (!kv.first.IsScalar()) return field_error(where, "a key is not a plain name");
    const std::string key = kv.first.Scalar();
    bool ok = false;
    for (auto k : known)
      ok = ok || k == key;
    if (!ok) return field_error(where, "unknown field '" + key + "' (known: " + join(known) + ")");
  }
  return {};
}

Result<std::string> get_string(const YAML::Node& node, std::string_view where) {
  if (!node.IsScalar()) return field_error(where, "expected a string");
  return node.Scalar();
}

// Unsigned integer in decimal or 0x-hex, at most `max`.
Result<uint64_t> get_uint(const YAML::Node& node, std::string_view where, uint64_t max) {
  if (!node.IsScalar()) return field_error(where, "expected a number");
  std::string_view s = node.Scalar();
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    return field_error(where, "expected a number, got '" + node.Scalar() + "'");
  if (v > max)
    return field_error(where, node.Scalar() + " is out of range (max " + std::to_string(max) + ")");
  return v;
}

Result<bool> get_bool(const YAML::Node& node, std::string_view where) {
  if (!node.IsScalar()) return field_error(where, "expected true or false");
  const std::string& s = node.Scalar();
  if (s == "true") return true;
  if (s == "false") return false;
  return field_error(where, "expected true or false, got '" + s + "'");
}

Result<std::vector<uint8_t>> get_hex(const YAML::Node& node, std::string_view where) {
  VMTEST_TRY(text, get_string(node, where));
  auto bytes = parse_hex(text);
  if (!bytes.ok()) return field_error(where, bytes.error().what);
  return std::move(bytes.value());
}

template <typename Addr>
Result<Addr> get_addr(const YAML::Node& node, std::string_view where,
                      std::optional<Addr> (*parse)(std::string_view), const char* kind) {
  VMTEST_TRY(text, get_string(node, where));
  auto a = parse(text);
  if (!a) return field_error(where, "not " + std::string(kind) + ": '" + text + "'");
  return *a;
}

Result<void> parse_eth(const YAML::Node& n, EthSpec& eth) {
  auto ok = check_map(n, "packet.eth", {"src", "dst", "type"});
  if (!ok) return ok.error();
  if (n["src"]) {
    VMTEST_TRY(mac, get_addr<MacAddr>(n["src"], "packet.eth.src", parse_mac, "a MAC address"));
    eth.src = mac;
  }
  if (n["dst"]) {
    VMTEST_TRY(mac, get_addr<MacAddr>(n["dst"], "packet.eth.dst", parse_mac, "a MAC address"));
    eth.dst = mac;
  }
  if (n["type"]) {
    VMTEST_TRY(t, get_uint(n["type"], "packet.eth.type", 0xffff));
    eth.type = static_cast<uint16_t>(t);
  }
  return {};
}

Result<void> parse_vlans(const YAML::Node& n, std::vector<VlanTag>& vlans) {
  if (!n.IsSequence())
    return field_error("packet.vlan", "expected a list of ids or {id, pcp, tpid}");
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string where = "packet.vlan[" + std::to_string(i) + "]";
    VlanTag tag;
    if (n[i].IsScalar()) {
      VMTEST_TRY(id, get_uint(n[i], where, 0xfff));
      tag.id = static_cast<uint16_t>(id);
    } else {
      auto ok = check_map(n[i], where, {"id", "pcp", "tpid"});
      if (!ok) return ok.error();
      if (!n[i]["id"]) return field_error(where, "missing 'id'");
      VMTEST_TRY(id, get_uint(n[i]["id"], where + ".id", 0xfff));
      tag.id = static_cast<uint16_t>(id);
      if (n[i]["pcp"]) {
        VMTEST_TRY(pcp, get_uint(n[i]["pcp"], where + ".pcp", 7));
        tag.pcp = static_cast<uint8_t>(pcp);
      }
      if (n[i]["tpid"]) {
        VMTEST_TRY(tpid, get_uint(n[i]["tpid"], where + ".tpid", 0xffff));
        tag.tpid = static_cast<uint16_t>(tpid);
      }
    }
    vlans.push_back(tag);
  }
  return {};
}

Result<Ipv4Spec> parse_ipv4_layer(const YAML::Node& n) {
  auto ok = check_map(
      n, "packet.ipv4",
      {"src", "dst", "ttl", "tos", "id", "df", "mf", "frag_offset", "protocol", "options_hex"});
  if (!ok) return ok.error();
  Ipv4Spec ip;
  if (!n["src"] || !n["dst"]) return field_error("packet.ipv4", "needs both 'src' and 'dst'");
  VMTEST_TRY(src, get_addr<Ipv4Addr>(n["src"], "packet.ipv4.src", parse_ipv4, "an IPv4 address"));
  VMTEST_TRY(dst, get_addr<Ipv4Addr>(n["dst"], "packet.ipv4.dst", parse_ipv4, "an IPv4 address"));
  ip.src = src;
  ip.dst = dst;
  if (n["ttl"]) {
    VMTEST_TRY(v, get_uint(n["ttl"], "packet.ipv4.ttl", 0xff));
    ip.ttl = static_cast<uint8_t>(v);
  }
  if (n["tos"]) {
    VMTEST_TRY(v, get_uint(n["tos"], "packet.ipv4.tos", 0xff));
    ip.tos = static_cast<uint8_t>(v);
  }
  if (n["id"]) {
    VMTEST_TRY(v, get_uint(n["id"], "packet.ipv4.id", 0xffff));
    ip.id = static_cast<uint16_t>(v);
  }
  if (n["df"]) {
    VMTEST_TRY(v, get_bool(n["df"], "packet.ipv4.df"));
    ip.dont_fragment = v;
  }
  if (n["mf"]) {
    VMTEST_TRY(v, get_bool(n["mf"], "packet.ipv4.mf"));
    ip.more_fragments = v;
  }
  if (n["frag_offset"]) {
    VMTEST_TRY(v, get_uint(n["frag_offset"], "packet.ipv4.frag_offset", 0x1fff));
    ip.frag_offset = static_cast<uint16_t>(v);
  }
  if (n["protocol"]) {
    VMTEST_TRY(v, get_uint(n["protocol"], "packet.ipv4.protocol", 0xff));
    ip.protocol = static_cast<uint8_t>(v);
  }
  if (n["options_hex"]) {
    VMTEST_TRY(v, get_hex(n["options_hex"], "packet.ipv4.options_hex"));
    ip.options = std::move(v);
  }
  return ip;
}

Result<Ipv6Spec> parse_ipv6_layer(const YAML::Node& n) {
  auto ok = check_map(n, "packet.ipv6",
                      {"src", "dst", "hop_limit", "traffic_class", "flow_label", "next_header"});
  if (!ok) return ok.error();
  Ipv6Spec ip;
  if (!n["src"] || !n["dst"]) return field_error("packet.ipv6", "needs both 'src' and 'dst'");
  VMTEST_TRY(src, get_addr<Ipv6Addr>(n["src"], "packet.ipv6.src", parse_ipv6, "an IPv6 address"));
  VMTEST_TRY(dst, get_addr<Ipv6Addr>(n["dst"], "packet.ipv6.dst", parse_ipv6, "an IPv6 address"));
  ip.src = src;
  ip.dst = dst;
  if (n["hop_limit"]) {
    VMTEST_TRY(v, get_uint(n["hop_limit"], "packet.ipv6.hop_limit", 0xff));
    ip.hop_limit = static_cast<uint8_t>(v);
  }
  if (n["traffic_class"]) {
    VMTEST_TRY(v, get_uint(n["traffic_class"], "packet.ipv6.traffic_class", 0xff));
    ip.traffic_class = static_cast<uint8_t>(v);
  }
  if (n["flow_label"]) {
    VMTEST_TRY(v, get_uint(n["flow_label"], "packet.ipv6.flow_label", 0xfffff));
    ip.flow_label = static_cast<uint32_t>(v);
  }
  if (n["next_header"]) {
    VMTEST_TRY(v, get_uint(n["next_header"], "packet.ipv6.next_header", 0xff));
    ip.next_header = static_cast<uint8_t>(v);
  }
  return ip;
}

Result<TcpSpec> parse_tcp_layer(const YAML::Node& n) {
  auto ok = check_map(n, "packet.tcp", {"sport", "dport", "seq", "ack", "flags", "window"});
  if (!ok) return ok.error();
  TcpSpec t;
  if (n["sport"]) {
    VMTEST_TRY(v, get_uint(n["sport"], "packet.tcp.sport", 0xffff));
    t.sport = static_cast<uint16_t>(v);
  }
  if (n["dport"]) {
    VMTEST_TRY(v, get_uint(n["dport"], "packet.tcp.dport", 0xffff));
    t.dport = static_cast<uint16_t>(v);
  }
  if (n["seq"]) {
    VMTEST_TRY(v, get_uint(n["seq"], "packet.tcp.seq", 0xffffffff));
    t.seq = static_cast<uint32_t>(v);
  }
  if (n["ack"]) {
    VMTEST_TRY(v, get_uint(n["ack"], "packet.tcp.ack", 0xffffffff));
    t.ack = static_cast<uint32_t>(v);
  }
  if (n["window"]) {
    VMTEST_TRY(v, get_uint(n["window"], "packet.tcp.window", 0xffff));
    t.window = static_cast<uint16_t>(v);
  }
  if (n["flags"]) {
    if (!n["flags"].IsSequence())
      return field_error("packet.tcp.flags", "expected a list such as [syn, ack]");
    for (const auto& f : n["flags"]) {
      VMTEST_TRY(name, get_string(f, "packet.tcp.flags"));
      auto bit = tcp_flag(name);
      if (!bit)
        return field_error("packet.tcp.flags",
                           "unknown flag '" + name +
                               "' (known: fin, syn, rst, psh, ack, urg, ece, cwr)");
      t.flags |= *bit;
    }
  }
  return t;
}

Result<UdpSpec> parse_udp_layer(const YAML::Node& n) {
  auto ok = check_map(n, "packet.udp", {"sport", "dport"});
  if (!ok) return ok.error();
  UdpSpec u;
  if (n["sport"]) {
    VMTEST_TRY(v, get_uint(n["sport"], "packet.udp.sport", 0xffff));
    u.sport = static_cast<uint16_t>(v);
  }
  if (n["dport"]) {
    VMTEST_TRY(v, get_uint(n["dport"], "packet.udp.dport", 0xffff));
    u.dport = static_cast<uint16_t>(v);
  }
  return u;
}

Result<IcmpSpec> parse_icmp_layer(const YAML::Node& n, bool ipv6) {
  auto ok = check_map(n, "packet.icmp", {"type", "code", "id", "seq"});
  if (!ok) return ok.error();
  IcmpSpec c;
  c.type = ipv6 ? 128 : 8; // echo request unless told otherwise
  if (n["type"]) {
    VMTEST_TRY(v, get_uint(n["type"], "packet.icmp.type", 0xff));
    c.type = static_cast<uint8_t>(v);
  }
  if (n["code"]) {
    VMTEST_TRY(v, get_uint(n["code"], "packet.icmp.code", 0xff));
    c.code = static_cast<uint8_t>(v);
  }
  if (n["id"]) {
    VMTEST_TRY(v, get_uint(n["id"], "packet.icmp.id", 0xffff));
    c.id = static_cast<uint16_t>(v);
  }
  if (n["seq"]) {
    VMTEST_TRY(v, get_uint(n["seq"], "packet.icmp.seq", 0xffff));
    c.seq = static_cast<uint16_t>(v);
  }
  return c;
}

Result<std::vector<uint8_t>> parse_packet(const YAML::Node& n) {
  auto ok =
      check_map(n, "packet", {"eth", "vlan", "ipv4", "ipv6", "tcp", "udp", "icmp", "payload_hex"});
  if (!ok) return ok.error();
  PacketSpec spec;
  if (n["eth"]) {
    auto r = parse_eth(n["eth"], spec.eth);
    if (!r) return r.error();
  }
  if (n["vlan"]) {
    auto r = parse_vlans(n["vlan"], spec.vlans);
    if (!r) return r.error();
  }
  if (n["ipv4"] && n["ipv6"]) return field_error("packet", "has both 'ipv4' and 'ipv6'");
  if (n["ipv4"]) {
    VMTEST_TRY(ip, parse_ipv4_layer(n["ipv4"]));
    spec.l3 = std::move(ip);
  } else if (n["ipv6"]) {
    VMTEST_TRY(ip, parse_ipv6_layer(n["ipv6"]));
    spec.l3 = std::move(ip);
  }
  if ((n["tcp"] ? 1 : 0) + (n["udp"] ? 1 : 0) + (n["icmp"] ? 1 : 0) > 1)
    return field_error("packet", "has more than one of 'tcp', 'udp' and 'icmp'");
  if (n["tcp"]) {
    VMTEST_TRY(t, parse_tcp_layer(n["tcp"]));
    spec.l4 = t;
  } else if (n["udp"]) {
    VMTEST_TRY(u, parse_udp_layer(n["udp"]));
    spec.l4 = u;
  } else if (n["icmp"]) {
    VMTEST_TRY(c, parse_icmp_layer(n["icmp"], std::holds_alternative<Ipv6Spec>(spec.l3)));
    spec.l4 = c;
  }
  if (n["payload_hex"]) {
    VMTEST_TRY(p, get_hex(n["payload_hex"], "packet.payload_hex"));
    spec.payload = std::move(p);
  }
  auto bytes = build_packet(spec);
  if (!bytes.ok()) return field_error("packet", bytes.error().what);
  return std::move(bytes.value());
}

Result<uint32_t> parse_retval(const YAML::Node& n) {
  if (!n.IsScalar()) return field_error("expect.retval", "expected a number or a symbolic name");
  const std::string& s = n.Scalar();
  if (auto v = symbolic_retval(s)) return *v;
  if (!s.empty() && s[0] == '-') { // negative codes wrap like the kernel's u32 retval
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < INT32_MIN)
      return field_error("expect.retval", "not a 32-bit number: '" + s + "'");
    return static_cast<uint32_t>(static_cast<int32_t>(v));
  }
  if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])))) {
    VMTEST_TRY(v, get_uint(n, "expect.retval", 0xffffffff));
    return static_cast<uint32_t>(v);
  }
  std::string known;
  for (auto name : symbolic_retval_names())
    known += (known.empty() ? "" : ", ") + std::string(name);
  return field_error("expect.retval", "unknown symbolic retval '" + s + "' (known: " + known + ")");
}

// Parses one case; errors come back without file/case context, the caller adds it.
Result<TestCase> parse_case(const YAML::Node& n) {
  auto ok =
      check_map(n, "case", {"program", "name", "packet", "hex", "ctx_in_hex", "repeat", "expect"});
  if (!ok) return ok.error();
  TestCase c;
  if (!n["program"]) return field_error("case", "missing 'program'");
  VMTEST_TRY(program, get_string(n["program"], "program"));
  if (program.empty()) return field_error("program", "is empty");
  c.program = program;
  if (!n["name"]) return field_error("case", "missing 'name'");
  VMTEST_TRY(name, get_string(n["name"], "name"));
  if (name.empty()) return field_error("name", "is empty");
  c.name = name;

  if (n["packet"] && n["hex"]) return field_error("case", "has both 'packet' and 'hex'");
  if (n["packet"]) {
    VMTEST_TRY(bytes, parse_packet(n["packet"]));
    c.data_in_hex = to_hex(bytes);
  } else if (n["hex"]) {
    VMTEST_TRY(bytes, get_hex(n["hex"], "hex"));
    c.data_in_hex = to_hex(bytes);
  }
  if (n["ctx_in_hex"]) {
    VMTEST_TRY(bytes, get_hex(n["ctx_in_hex"], "ctx_in_hex"));
    c.ctx_in_hex = to_hex(bytes);
  }
  if (n["repeat"]) {
    // 0 is legal: raw_tp and syscall programs reject any other value.
    VMTEST_TRY(r, get_uint(n["repeat"], "repeat", 1000000));
    c.repeat = static_cast<uint32_t>(r);
  }
  if (n["expect"]) {
    const YAML::Node e = n["expect"];
    auto eok = check_map(e, "expect", {"retval", "data_out_hex"});
    if (!eok) return eok.error();
    if (e["retval"]) {
      VMTEST_TRY(rv, parse_retval(e["retval"]));
      c.expect_retval = rv;
    }
    if (e["data_out_hex"]) {
      VMTEST_TRY(bytes, get_hex(e["data_out_hex"], "expect.data_out_hex"));
      c.expect_data_out_hex = to_hex(bytes);
    }
  }
  return c;
}

// A preset name becomes part of a program's key ("prog@name"), a global's name is a C
// identifier; neither may carry anything else.
bool preset_name_ok(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

bool c_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

// An integer as strtoll/strtoull read it (veristat's -G takes the same), a C identifier (an
// enumerator, resolved in the guest against the object's BTF), or true/false.
Result<std::string> preset_value(const YAML::Node& n, std::string_view where) {
  if (!n.IsScalar()) return field_error(where, "expected a number, true/false or an enum name");
  const std::string v = n.Scalar();
  if (v == "true") return std::string("1");
  if (v == "false") return std::string("0");
  if (c_identifier(v)) return v;
  const char* s = v.c_str();
  char* end = nullptr;
  errno = 0;
  if (v.starts_with('-'))
    (void)std::strtoll(s, &end, 0);
  else
    (void)std::strtoull(s, &end, 0);
  if (v.empty() || errno == ERANGE || *end != '\0')
    return field_error(where, "'" + v + "' is not a number, true/false or an enum name");
  return v;
}

Result<std::vector<Preset>> parse_presets(const YAML::Node& n) {
  if (!n.IsMap()) return field_error("presets", "expected a map of preset name -> {global: value}");
  std::vector<Preset> out;
  std::set<std::string> seen;
  for (const auto& kv : n) {
    const std::string name = kv.first.Scalar();
    const std::string where = "preset '" + name + "'";
    if (!preset_name_ok(name))
      return field_error("presets", "'" + name + "' is not a preset name (letters, digits, _ - .)");
    if (!seen.insert(name).second) return field_error(where, "declared twice");
    if (!kv.second.IsMap() || kv.second.size() == 0)
      return field_error(where, "expected a map of global variable -> value");
    Preset p{name, {}};
    for (const auto& g : kv.second) {
      const std::string var = g.first.Scalar();
      if (!c_identifier(var)) return field_error(where, "'" + var + "' is not a variable name");
      auto value = preset_value(g.second, where + " " + var);
      if (!value) return value.error();
      p.globals.push_back({var, *value});
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string case_label(const YAML::Node& n, size_t index) {
  // Name the case as precisely as the (possibly broken) node allows.
  if (n.IsMap() && n["name"] && n["name"].IsScalar()) return "case '" + n["name"].Scalar() + "'";
  return "case #" + std::to_string(index + 1);
}

} // namespace

Result<TestrunSpec> parse_testrun_spec(std::string_view text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{yaml_error(e), source};
  }
  TestrunSpec spec;
  if (root.IsNull()) return spec; // an empty file declares nothing
  auto ok = check_map(root, "top level", {"cases", "presets"});
  if (!ok) return ok.error().wrap(source);
  if (const YAML::Node presets = root["presets"]; presets && !presets.IsNull()) {
    auto p = [&]() -> Result<std::vector<Preset>> {
      try {
        return parse_presets(presets);
      } catch (const YAML::Exception& e) {
        return Error{yaml_error(e), ""};
      }
    }();
    if (!p) return p.error().wrap(source);
    spec.presets = std::move(*p);
  }
  std::vector<TestCase>& cases = spec.cases;
  const YAML::Node list = root["cases"];
  if (!list || list.IsNull()) return spec;
  if (!list.IsSequence()) return Error{"'cases' must be a list", source};

  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string context = source + ": " + case_label(list[i], i);
    Result<TestCase> c = [&]() -> Result<TestCase> {
      try {
        return parse_case(list[i]);
      } catch (const YAML::Exception& e) { // e.g. a key that is not a scalar
        return Error{yaml_error(e), ""};
      }
    }();
    if (!c.ok()) return c.error().wrap(context);
    if (!seen.insert({c->program, c->name}).second)
      return Error{"duplicate case name for program '" + c->program + "'", context};
    cases.push_back(std::move(c.value()));
  }
  return spec;
}

Result<std::vector<TestCase>> parse_testrun_yaml(std::string_view text, const std::string& source) {
  auto spec = parse_testrun_spec(text, source);
  if (!spec) return spec.error();
  return std::move(spec->cases);
}

Result<std::vector<TestCase>> load_testrun_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_testrun_yaml(*text, path.string());
}

Result<TestrunSpec> load_testrun_spec_dir(const std::filesystem::path& dir,
                                          std::string_view object_stem) {
  const std::filesystem::path path = dir / (std::string(object_stem) + ".yaml");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) return Error{"cannot check for test cases: " + ec.message(), path.string()};
    return TestrunSpec{};
  }
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_testrun_spec(*text, path.string());
}

Result<std::vector<TestCase>> load_testrun_dir(const std::filesystem::path& dir,
                                               std::string_view object_stem) {
  const std::filesystem::path path = dir / (std::string(object_stem) + ".yaml");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) return Error{"cannot check for test cases: " + ec.message(), path.string()};
    return std::vector<TestCase>{};
  }
  return load_testrun_file(path);
}

std::string object_stem(std::string_view file_name) {
  for (std::string_view suffix : {".bpf.o", ".o"}) {
    if (file_name.size() > suffix.size() && file_name.ends_with(suffix))
      return std::string(file_name.substr(0, file_name.size() - suffix.size()));
  }
  return std::string(file_name);
}

} // namespace vmtest
