#!/usr/bin/env bash
# Merge the per-kernel (and per-shard) results, render the HTML report, JUnit, the markdown
# step summary and ::error annotations, then gate on the baselines. Exit 0 clean, 1 regression,
# 2 infrastructure.
# Usage: scripts/ci/merge-and-gate.sh RESULTS_ROOT OUT_DIR   (RESULTS_ROOT/*/results.json)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
VMTEST="$BUILD_DIR/harness/vmtest"
root=$1 out=$2
mkdir -p "$out"
shopt -s nullglob
inputs=("$root"/*/results.json)
[ ${#inputs[@]} -gt 0 ] || { echo "no results under $root" >&2; exit 2; }
"$VMTEST" merge -o "$out/results.json" "${inputs[@]}"
"$VMTEST" report "$out/results.json" --baselines bpf/baselines -o "$out/report.html" \
  --junit "$out/junit.xml" --markdown "$out/summary.md" --annotations
"$VMTEST" gate "$out/results.json"
