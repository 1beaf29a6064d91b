#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Regenerates the verdict matrix in README.md (between the vmtest-matrix markers) from a
# results.json, so the README shows what the tool says rather than what someone typed.
# Usage: scripts/update-readme-matrix.sh RESULTS.json [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
results=$1 mode=${2:-}
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.readme" "$tmp.html"' EXIT
# The matrix renders the results as they are; the gate's exit code (a baselined row this run
# did not boot, such as the arm64 rows in the pipeline self-test) does not change it.
"${BUILD_DIR:-build}/harness/vmtest" report "$results" -o "$tmp.html" --verdict-matrix "$tmp" \
  2>/dev/null || [ -s "$tmp" ] || { echo "update-readme-matrix: no matrix from $results" >&2; exit 2; }
python3 - "$tmp" "$tmp.readme" <<'PY'
import re, sys
matrix = open(sys.argv[1]).read()
readme = open("README.md").read()
begin, end = "<!-- vmtest-matrix:begin -->", "<!-- vmtest-matrix:end -->"
if begin not in readme or end not in readme:
    sys.exit("README.md has no vmtest-matrix markers")
new = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: begin + "\n" + matrix + end, readme, flags=re.S)
open(sys.argv[2], "w").write(new)
PY
if [ "$mode" = "--check" ]; then
  if ! diff -u README.md "$tmp.readme"; then
    echo "README.md verdict matrix is stale: run scripts/update-readme-matrix.sh $results" >&2
    exit 1
  fi
  echo "README verdict matrix matches the run"
else
  cp "$tmp.readme" README.md
  echo "README.md verdict matrix updated"
fi
