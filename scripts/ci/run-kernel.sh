#!/usr/bin/env bash
# One kernel (and optionally one shard of the corpus) of the matrix: runs the corpus and records
# results without comparing baselines; the gate job compares once over the merged results.
# The job still exits with run's verdict on what it saw (a missed testrun expectation, a kernel
# without verdicts, an unreadable object, zero programs), so the failing kernel is red itself.
# Usage: scripts/ci/run-kernel.sh KERNEL OUT_DIR [SHARD [vmtest run options...]]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
kernel=$1 out=$2 shard=${3:-1/1}
shift $(( $# < 3 ? $# : 3 ))
rc=0
"$BUILD_DIR/harness/vmtest" run --kernel "$kernel" --shard "$shard" --out "$out" --no-gate "$@" || rc=$?
echo "$rc" > "$out/exit_code" 2>/dev/null || true
[ -f "$out/results.json" ] || echo "vmtest: error: $kernel wrote no results.json (exit $rc)" >&2
exit "$rc"
