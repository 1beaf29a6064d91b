#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One kernel row (and optionally one shard of the corpus): runs the project's corpus and records
# results without comparing baselines; the gate step compares once over the merged results.
# The step still exits with run's verdict on what it saw (a missed testrun expectation, a kernel
# without verdicts, an unreadable object, zero programs), so the failing kernel is red itself.
# Runs in the current directory (the project's checkout, where vmtest.yaml is found); used by
# action.yml, by scripts/ci/run-kernel.sh and by the consumer end-to-end test.
# Usage: scripts/action/run.sh KERNEL OUT_DIR [SHARD [vmtest run options...]]
#        $VMTEST: the vmtest binary (default: vmtest on PATH)
set -euo pipefail
VMTEST=${VMTEST:-vmtest}
kernel=$1 out=$2 shard=${3:-1/1}
shift $(($# < 3 ? $# : 3))
rc=0
"$VMTEST" run --kernel "$kernel" --shard "$shard" --out "$out" --no-gate "$@" || rc=$?
echo "$rc" >"$out/exit_code" 2>/dev/null || true
[ -f "$out/results.json" ] || echo "vmtest: error: $kernel wrote no results.json (exit $rc)" >&2
exit "$rc"
