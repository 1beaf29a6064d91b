// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Results as veristat's CSV (`veristat -o csv`), so `veristat -R` and `veristat -C old.csv
// new.csv` (v0.5.1) and the scripts people already have for it read our output. veristat's
// columns, in its order:
//   file_name,prog_name,verdict,duration,total_insns,total_states,peak_states,
//   max_states_per_insn,mark_read,prog_size,prog_size_jited,prog_type,attach_type,
//   stack_depth,mem_peak
// veristat's reader finds each column by its header name, so any subset in that order reads
// back; and it splits rows with strtok(","), which skips an empty field, so a row must fill
// every column it has, with a value veristat parses: integers, success/failure, and libbpf's
// own names for the program and attach types. Hence a column is written only when every row
// of the kernel has a value for it; nothing is invented:
//   - attach_type and mem_peak never appear: vmtest records neither;
//   - a metric no row knows (4.18's summary line has no state counts) is left out, as is a
//     metric some rows lack: 0 would read as a measurement, an empty field as a shifted row.
// verdict is success/failure; duration is the verifier's own time in microseconds;
// stack_depth is the sum over subprograms; prog_size is xlated_size/8 (instructions). Commas
// and newlines in names become '_' and ' ' (veristat does not quote).
#include <string>

#include "results/results.h"

namespace vmtest {

std::string veristat_csv(const KernelResult& kernel);

}  // namespace vmtest
