// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// BPF_PROG_TEST_RUN for a loaded program. Whether a program type has test_run depends on
// the type and the kernel, so we simply try: ENOTSUPP/EOPNOTSUPP mean "not runnable", which
// is an outcome, not an error (and no expectation of the case can fail there). So does an
// EINVAL that only the case's ctx_in causes, on kernels that predate ctx_in.
#include <string>

#include "results/manifest.h"
#include "results/results.h"

namespace vmtest {

// A case with no packet for program types that take one gets this default: a small, valid
// Ethernet/IPv4/TCP SYN, so a parser under test sees a real packet.
TestCase default_test_case(const std::string& program, const std::string& prog_type);

TestRunResult run_test_case(int prog_fd, const TestCase& tc);

}  // namespace vmtest
