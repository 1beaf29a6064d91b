#!/usr/bin/env bash
# One kernel (and optionally one shard of the corpus) of the matrix: runs the corpus and
# records results without gating; the gate runs once over the merged results.
# Usage: scripts/ci/run-kernel.sh KERNEL OUT_DIR [SHARD]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
kernel=$1 out=$2 shard=${3:-1/1}
rc=0
"$BUILD_DIR/harness/vmtest" run --kernel "$kernel" --shard "$shard" --out "$out" --no-gate || rc=$?
echo "$rc" > "$out/exit_code"
# A kernel that failed still wrote results.json with its status; the gate reports it.
[ -f "$out/results.json" ] || exit "${rc:-2}"
