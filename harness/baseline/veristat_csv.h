#pragma once
// Results as veristat's CSV (`veristat -o csv`), so `veristat -C old.csv new.csv` and the
// scripts people already have for it work on our output. Columns, in veristat's order:
//   file_name,prog_name,verdict,duration,total_insns,total_states,peak_states,
//   max_states_per_insn,mark_read,prog_size,prog_size_jited,prog_type,attach_type,
//   stack_depth,mem_peak
// verdict is success/failure; duration is the verifier's own time in microseconds; numbers
// we do not know are 0 as in veristat; stack_depth is the sum over subprograms;
// prog_size is xlated_size/8 (instructions); attach_type and mem_peak are not recorded by
// vmtest and are written as N/A and 0. veristat splits on ',' without quoting, so commas
// in names are replaced with '_'.
#include <string>

#include "results/results.h"

namespace vmtest {

std::string veristat_csv(const KernelResult& kernel);

}  // namespace vmtest
