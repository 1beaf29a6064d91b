// SPDX-License-Identifier: BSD-2-Clause
#include "report/verdict_matrix.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(VerdictMatrix, OneRowPerProgramOneColumnPerBootedKernel) {
  RunResults r;
  auto kernel = [](const std::string& name, Verdict verdict, int err,
                   std::optional<int64_t> insns) {
    KernelResult k;
    k.name = name;
    ObjectResult o;
    o.name = "bpf_loop.bpf.o";
    ProgramResult p;
    p.name = "xdp_bpf_loop";
    p.verdict = verdict;
    p.err = err;
    p.metrics[Metric::InsnsProcessed] = insns;
    o.programs.push_back(p);
    k.objects.push_back(o);
    return k;
  };
  r.kernels.push_back(kernel("5.10", Verdict::Rejected, EINVAL, 0));
  r.kernels.push_back(kernel("6.1", Verdict::Accepted, 0, 24));
  KernelResult skipped;
  skipped.name = "4.18";
  skipped.status = KernelStatus::Skipped;
  r.kernels.push_back(skipped);
  std::string md = render_verdict_matrix(r);
  EXPECT_NE(md.find("| object | program | 5.10 | 6.1 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("4.18"), std::string::npos) << "skipped kernels get no column";
  EXPECT_NE(md.find("| bpf_loop.bpf.o | xdp_bpf_loop | ❌ EINVAL | ✅ 24 |"), std::string::npos)
      << md;
}

} // namespace vmtest

namespace vmtest {

// Names are bytes from the corpus: a '|' must not add a column, a '<' must not reach the page,
// and bytes that are not UTF-8 are shown as \xHH.
TEST(VerdictMatrix, NamesCannotReshapeTheTable) {
  RunResults r;
  KernelResult k;
  k.name = "6.1";
  ObjectResult o;
  o.name = "a|b`<img>.bpf.o";
  ProgramResult p;
  p.name = "caf\xe9_prog";
  p.verdict = Verdict::Accepted;
  p.metrics[Metric::InsnsProcessed] = 3;
  o.programs.push_back(p);
  k.objects.push_back(o);
  r.kernels.push_back(k);
  const std::string md = render_verdict_matrix(r);
  EXPECT_NE(md.find("| a\\|b\\`&lt;img&gt;.bpf.o | caf\\\\xe9_prog | ✅ 3 |"), std::string::npos)
      << md;
  EXPECT_EQ(md.find('\xe9'), std::string::npos);
}

} // namespace vmtest
