#include "baseline/sample_results.h"
#include "baseline/veristat_csv.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

TEST(VeristatCsv, ColumnsAndRowsMatchVeristat) {
  auto k = kernel();
  auto a = accepted("xdp_count", 19);
  a.metrics[Metric::MaxStatesPerInsn] = 1;
  a.metrics[Metric::MarkRead] = 2;
  a.stack_depth = "16+8";
  a.metrics[Metric::XlatedSize] = 160;
  a.metrics[Metric::JitedSize] = 97;
  auto r = rejected("xdp_loop", "unknown func bpf_loop#181");
  r.metrics[Metric::TotalStates].reset();
  k.objects.push_back(object("z.bpf.o", "s", {accepted("tc_main", 7)}));
  k.objects.push_back(object("loop.bpf.o", "s", {r, a}));
  EXPECT_EQ(veristat_csv(k),
            "file_name,prog_name,verdict,duration,total_insns,total_states,peak_states,"
            "max_states_per_insn,mark_read,prog_size,prog_size_jited,prog_type,attach_type,"
            "stack_depth,mem_peak\n"
            "loop.bpf.o,xdp_count,success,41,19,3,3,1,2,20,97,xdp,N/A,24,0\n"
            "loop.bpf.o,xdp_loop,failure,0,5,0,0,0,0,0,0,xdp,N/A,0,0\n"
            "z.bpf.o,tc_main,success,41,7,3,3,0,0,0,0,xdp,N/A,0,0\n");
}

TEST(VeristatCsv, CommasCannotBreakColumns) {
  auto k = kernel();
  k.objects.push_back(object("we,ird.o", "s", {accepted("p", 1)}));
  auto csv = veristat_csv(k);
  EXPECT_NE(csv.find("\nwe_ird.o,p,success"), std::string::npos) << csv;
}

} // namespace vmtest
