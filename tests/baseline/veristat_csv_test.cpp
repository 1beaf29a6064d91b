// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/veristat_csv.h"
#include "support/result_builders.h"

#include <bpf/libbpf.h>
#include <cstring>
#include <gtest/gtest.h>
#include <map>
#include <string.h>

namespace vmtest {
using namespace vmtest::testing;

namespace {

// veristat v0.5.1's reader (`-R`, and each side of `-C`), as its source behaves: the header
// names columns (aliases allowed); rows are split with strtok on ",\n", so an empty field
// vanishes and the row comes up short; values must parse as the column's kind.
struct VeristatTable {
  std::vector<std::string> columns; // canonical names, in file order
  std::vector<std::map<std::string, std::string>> rows;
  std::string error;                // what veristat would print; empty: read fine
};

const std::map<std::string, std::string>& column_aliases() {
  static const std::map<std::string, std::string> m = {
      {"file_name", "file_name"},   {"filename", "file_name"},
      {"file", "file_name"},        {"prog_name", "prog_name"},
      {"progname", "prog_name"},    {"prog", "prog_name"},
      {"verdict", "verdict"},       {"duration", "duration"},
      {"dur", "duration"},          {"total_insns", "total_insns"},
      {"insns", "total_insns"},     {"total_states", "total_states"},
      {"states", "total_states"},   {"peak_states", "peak_states"},
      {"max_states_per_insn", "max_states_per_insn"},
      {"max_mark_read_len", "mark_read"},
      {"mark_read", "mark_read"},   {"prog_size", "prog_size"},
      {"prog_size_jited", "prog_size_jited"},
      {"stack_depth", "stack_depth"},
      {"stack", "stack_depth"},     {"prog_type", "prog_type"},
      {"attach_type", "attach_type"},
      {"mem_peak", "mem_peak"}};
  return m;
}

bool libbpf_prog_type_name(const std::string& s) {
  for (int t = 0; const char* name = libbpf_bpf_prog_type_str(static_cast<bpf_prog_type>(t)); ++t)
    if (s == name) return true;
  return false;
}

bool libbpf_attach_type_name(const std::string& s) {
  for (int t = 0; const char* name = libbpf_bpf_attach_type_str(static_cast<bpf_attach_type>(t));
       ++t)
    if (s == name) return true;
  return false;
}

bool whole_integer(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtol(s.c_str(), &end, 10);
  return *end == '\0';
}

VeristatTable read_like_veristat(const std::string& csv) {
  VeristatTable t;
  size_t start = 0;
  bool header = true;
  while (start < csv.size()) {
    size_t nl = csv.find('\n', start);
    std::string line = csv.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? csv.size() : nl + 1;
    std::vector<std::string> tokens;
    std::string buf = line;
    char* state = nullptr;
    for (char* tok = strtok_r(buf.data(), ",\n", &state); tok; tok = strtok_r(nullptr, ",\n", &state))
      tokens.emplace_back(tok);
    if (header) {
      for (const auto& name : tokens) {
        auto it = column_aliases().find(name);
        if (it == column_aliases().end()) return t.error = "Unrecognized stat name '" + name + "'", t;
        t.columns.push_back(it->second);
      }
      header = false;
      continue;
    }
    if (tokens.empty()) continue;
    if (tokens.size() > t.columns.size()) return t.error = "Found extraneous column", t;
    if (tokens.size() < t.columns.size()) return t.error = "Not enough columns in row: " + line, t;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string& col = t.columns[i];
      const std::string& v = tokens[i];
      if (col == "verdict" && v != "success" && v != "failure")
        return t.error = "Unrecognized verification verdict '" + v + "'", t;
      if (col == "prog_type" && !libbpf_prog_type_name(v))
        return t.error = "Unrecognized prog type " + v, t;
      if (col == "attach_type" && !libbpf_attach_type_name(v))
        return t.error = "Unrecognized attach type " + v, t;
      if (col != "verdict" && col != "prog_type" && col != "attach_type" && col != "file_name" &&
          col != "prog_name" && !whole_integer(v))
        return t.error = "Failed to parse '" + v + "' as integer", t;
      row[col] = v;
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The columns veristat v0.5.1 writes with `-o csv`, in its order (its default CSV spec).
const std::vector<std::string> kVeristatColumns = {
    "file_name",       "prog_name",  "verdict",     "duration",    "total_insns",
    "total_states",    "peak_states", "max_states_per_insn", "mark_read", "prog_size",
    "prog_size_jited", "prog_type",  "attach_type", "stack_depth", "mem_peak"};

// Written by hand from veristat v0.5.1's documented columns and value spellings: what
// `veristat -o csv` prints for an XDP object and a kprobe object (attach type 0 is
// cgroup_inet_ingress in libbpf's table, which veristat prints for programs without one).
const char* kVeristatV051Csv =
    "file_name,prog_name,verdict,duration,total_insns,total_states,peak_states,"
    "max_states_per_insn,mark_read,prog_size,prog_size_jited,prog_type,attach_type,"
    "stack_depth,mem_peak\n"
    "loop.bpf.o,xdp_count,success,41,19,3,3,1,2,20,97,xdp,xdp,24,0\n"
    "loop.bpf.o,xdp_loop,failure,12,5,0,0,0,0,9,0,xdp,xdp,0,0\n"
    "probe.bpf.o,kp,success,30,11,1,1,0,0,11,64,kprobe,cgroup_inet_ingress,0,0\n";

KernelResult sample_kernel() {
  auto k = kernel();
  auto a = accepted("xdp_count", 19);
  a.metrics[Metric::MaxStatesPerInsn] = 1;
  a.metrics[Metric::MarkRead] = 2;
  a.stack_depth = "16+8";
  auto r = rejected("xdp_loop", "unknown func bpf_loop#181");
  r.metrics[Metric::TotalStates] = 0;
  r.metrics[Metric::PeakStates] = 0;
  r.metrics[Metric::VerificationTimeUs] = 12;
  r.stack_depth = "0";
  auto t = accepted("tc_main", 7);
  t.stack_depth = "0";
  k.objects.push_back(object("z.bpf.o", "s", {t}));
  k.objects.push_back(object("loop.bpf.o", "s", {r, a}));
  return k;
}

} // namespace

TEST(VeristatCsv, TheReaderTakesVeristatsOwnCsv) {
  auto t = read_like_veristat(kVeristatV051Csv);
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.columns, kVeristatColumns);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[2]["attach_type"], "cgroup_inet_ingress");
  // What vmtest 0.1 wrote is refused, as veristat refused it.
  EXPECT_NE(read_like_veristat("file_name,prog_name,prog_type,attach_type\na,b,xdp,N/A\n").error, "");
  EXPECT_NE(read_like_veristat("file_name,prog_name,verdict,duration\na,b,success,\n").error, "");
}

TEST(VeristatCsv, VmtestsCsvReadsBackAsVeristatWouldReadIt) {
  auto csv = veristat_csv(sample_kernel());
  auto t = read_like_veristat(csv);
  ASSERT_EQ(t.error, "") << csv;
  // A subset of veristat's columns, in veristat's order: what -R and -C accept.
  size_t at = 0;
  for (const auto& c : t.columns) {
    auto it = std::find(kVeristatColumns.begin() + at, kVeristatColumns.end(), c);
    ASSERT_NE(it, kVeristatColumns.end()) << c << " out of veristat's order in\n" << csv;
    at = it - kVeristatColumns.begin() + 1;
  }
  EXPECT_EQ(csv,
            "file_name,prog_name,verdict,duration,total_insns,total_states,peak_states,"
            "prog_type,stack_depth\n"
            "loop.bpf.o,xdp_count,success,41,19,3,3,xdp,24\n"
            "loop.bpf.o,xdp_loop,failure,12,5,0,0,xdp,0\n"
            "z.bpf.o,tc_main,success,41,7,3,3,xdp,0\n");
  // The rows veristat's own CSV has for the same programs agree where both have a column.
  auto theirs = read_like_veristat(kVeristatV051Csv);
  for (const auto& col : t.columns)
    for (size_t i = 0; i < 2; ++i)
      if (col != "duration") EXPECT_EQ(t.rows[i][col], theirs.rows[i][col]) << col << " row " << i;
  // -C needs the same columns on both sides: two runs over the same corpus have them.
  EXPECT_EQ(read_like_veristat(veristat_csv(sample_kernel())).columns, t.columns);
}

TEST(VeristatCsv, AnUnknownMetricIsLeftOutNotWrittenAsZero) {
  auto k = sample_kernel();
  // 4.18's summary line has no state counts; nor has one program here.
  k.objects[1].programs[0].metrics[Metric::TotalStates].reset();
  auto csv = veristat_csv(k);
  EXPECT_EQ(csv.find("total_states"), std::string::npos) << csv;
  EXPECT_NE(csv.find("peak_states"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("mem_peak"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("attach_type"), std::string::npos) << csv;
  EXPECT_EQ(read_like_veristat(csv).error, "") << csv;
}

TEST(VeristatCsv, CommasCannotBreakColumns) {
  auto k = kernel();
  k.objects.push_back(object("we,ird.o", "s", {accepted("p", 1)}));
  auto csv = veristat_csv(k);
  EXPECT_NE(csv.find("\nwe_ird.o,p,success"), std::string::npos) << csv;
  EXPECT_EQ(read_like_veristat(csv).error, "") << csv;
}

} // namespace vmtest
