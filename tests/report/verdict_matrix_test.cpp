// SPDX-License-Identifier: BSD-2-Clause
#include "report/verdict_matrix.h"
#include "support/result_builders.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

namespace {

// A kernel whose one object holds one program with this verdict, errno and insns count.
KernelResult one_program(const std::string& kernel, std::string object_name, std::string name,
                         Verdict verdict, int err, std::optional<int64_t> insns) {
  ProgramResult p = program(std::move(name), verdict);
  p.err = err;
  p.metrics[Metric::InsnsProcessed] = insns;
  return kernel_of(kernel, {object(std::move(object_name), "", {p})});
}

} // namespace

TEST(VerdictMatrix, OneRowPerProgramOneColumnPerBootedKernel) {
  RunResults r;
  r.kernels.push_back(
      one_program("5.10", "bpf_loop.bpf.o", "xdp_bpf_loop", Verdict::Rejected, EINVAL, 0));
  r.kernels.push_back(
      one_program("6.1", "bpf_loop.bpf.o", "xdp_bpf_loop", Verdict::Accepted, 0, 24));
  KernelResult skipped = kernel_of("4.18");
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
using namespace vmtest::testing;

// Names are bytes from the corpus: a '|' must not add a column, a '<' must not reach the page,
// and bytes that are not UTF-8 are shown as \xHH.
TEST(VerdictMatrix, NamesCannotReshapeTheTable) {
  RunResults r;
  r.kernels.push_back(
      one_program("6.1", "a|b`<img>.bpf.o", "caf\xe9_prog", Verdict::Accepted, 0, 3));
  const std::string md = render_verdict_matrix(r);
  EXPECT_NE(md.find("| a\\|b\\`&lt;img&gt;.bpf.o | caf\\\\xe9_prog | ✅ 3 |"), std::string::npos)
      << md;
  EXPECT_EQ(md.find('\xe9'), std::string::npos);
}

} // namespace vmtest
