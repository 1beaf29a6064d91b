#pragma once
// testrun/<object-stem>.yaml: declarative BPF_PROG_TEST_RUN cases for one BPF object.
//
//   cases:
//     - program: xdp_bpf_loop          # program (function) name in the object
//       name: ipv4_tcp_syn             # unique per program; shown in results
//       packet:                        # built from header fields (see packet.h) ...
//         eth: {src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02"}
//         vlan: [100]                  # optional; ids or {id, pcp, tpid}
//         ipv4: {src: 10.0.0.1, dst: 10.0.0.2, ttl: 64}   # or ipv6: {...}
//         tcp: {sport: 1234, dport: 80, flags: [syn]}     # or udp: {...} / icmp: {...}
//         payload_hex: "deadbeef"
//       # hex: "ffff..."               # ... or raw bytes instead of packet; neither = no data
//       ctx_in_hex: ""
//       repeat: 1                      # 0 for raw_tp and syscall programs
//       expect:
//         retval: XDP_PASS             # number or symbolic name (retval.h)
//         data_out_hex: "..."
//
// The host parses these into TestCase values (bytes already built) for the manifest, so the
// static guest agent never sees YAML. Unknown fields are errors, not silently ignored: a
// typo in an expectation must not turn into a case that checks nothing.
#include "core/result.h"
#include "results/manifest.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

// Parses YAML text; `source` names it in errors (normally the file path).
Result<std::vector<TestCase>> parse_testrun_yaml(std::string_view text, const std::string& source);
Result<std::vector<TestCase>> load_testrun_file(const std::filesystem::path& path);
// Cases for one object: <dir>/<object_stem>.yaml. A missing file means no cases.
Result<std::vector<TestCase>> load_testrun_dir(const std::filesystem::path& dir,
                                               std::string_view object_stem);
// "parser.bpf.o" -> "parser", "xdp_pass.o" -> "xdp_pass"; anything else is returned as is.
std::string object_stem(std::string_view file_name);

} // namespace vmtest
