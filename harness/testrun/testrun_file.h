// SPDX-License-Identifier: BSD-2-Clause
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
//   presets:                           # optional: verify the object once per preset
//     fine: {use_coarse_clock: 0}      # global variable (.rodata/.data/.bss) = value
//     coarse: {use_coarse_clock: true} # integer, true/false or an enumerator's name
//
// Presets are veristat's -G: the values are written into the object's global data before it is
// loaded, so a `const volatile` flag in .rodata is a constant the verifier sees and prunes on.
// An object with presets is verified once per preset and never as it is; its programs are
// keyed "program@preset". Cases apply to every preset of their program.
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
Result<TestrunSpec> parse_testrun_spec(std::string_view text, const std::string& source);
// The file at <dir>/<object_stem>.yaml; a missing file declares nothing.
Result<TestrunSpec> load_testrun_spec_dir(const std::filesystem::path& dir,
                                          std::string_view object_stem);
// The cases alone.
Result<std::vector<TestCase>> parse_testrun_yaml(std::string_view text, const std::string& source);
Result<std::vector<TestCase>> load_testrun_file(const std::filesystem::path& path);
// Cases for one object: <dir>/<object_stem>.yaml. A missing file means no cases.
Result<std::vector<TestCase>> load_testrun_dir(const std::filesystem::path& dir,
                                               std::string_view object_stem);
// "parser.bpf.o" -> "parser", "xdp_pass.o" -> "xdp_pass"; anything else is returned as is.
std::string object_stem(std::string_view file_name);

} // namespace vmtest
