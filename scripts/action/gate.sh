#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The gate step: merge the per-kernel (and per-shard) results, then compute the verdict once and
# render it to every format in the same step: the HTML report, JUnit, the markdown summary, the
# verdict as JSON and ::error annotations. Exits with the verdict: 0 clean, 1 regression,
# 2 error; a kernel whose job died before writing results is missing, which is an error.
# Runs in the current directory (the project's checkout); used by action.yml, by
# scripts/ci/merge-and-gate.sh and by the consumer end-to-end test.
# Usage: scripts/action/gate.sh RESULTS_ROOT OUT_DIR [vmtest gate options...]
#        (RESULTS_ROOT/*/results.json; $VMTEST: the vmtest binary, default vmtest on PATH)
set -euo pipefail
VMTEST=${VMTEST:-vmtest}
root=$1 out=$2
shift 2
mkdir -p "$out"
shopt -s nullglob
inputs=("$root"/*/results.json)
if [ ${#inputs[@]} -eq 0 ]; then
  echo "vmtest: error: no results under $root: every kernel job failed before writing results" >&2
  exit 2
fi
"$VMTEST" merge -o "$out/results.json" "${inputs[@]}"
exec "$VMTEST" gate "$out/results.json" --html "$out/report.html" --junit "$out/junit.xml" \
  --markdown "$out/summary.md" --verdict-json "$out/verdict.json" --annotations "$@"
