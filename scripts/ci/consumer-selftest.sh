#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# examples/consumer as a platform team has it, outside this checkout, with vmtest installed by
# `cmake --install` into a scratch prefix and nothing pointing back here: build its objects,
# list the rows (the action's matrix mode), run each row and gate, with the same scripts
# action.yml runs (scripts/action/run.sh, gate.sh). Green against its committed baselines,
# and still green when a row has none; then one program gains a bpf_loop() call, 5.10 rejects
# it, and the gate must fail naming program and kernel. The rows are whatever the bundled
# matrix defaults to (5.10 must be among them); a row whose image has no source on this
# machine is left out, as a default `vmtest run` skips it. The regression pass boots only 5.10
# and the newest row, to keep CI lean.
# Registered as the ctest e2e.consumer.
# Usage: scripts/ci/consumer-selftest.sh [vmtest config options, e.g. --kernel 5.10 --kernel 6.1]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$src/build}
work=$(mktemp -d /tmp/vmtest-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$SECONDS
fail() { echo "consumer: FAIL: $*" >&2; exit 1; }

cmake --install "$BUILD_DIR" --prefix "$work/prefix" >/dev/null
cp -r "$src/examples/consumer" "$work/repo"
cd "$work/repo"
# Only the installed vmtest: no build tree, no checkout, no override of the agent or config.
unset VMTEST_GUEST VMTEST_BUILD_DIR VMTEST_CONFIG
export PATH="$work/prefix/bin:$PATH" VMTEST="$work/prefix/bin/vmtest"
[ "$(command -v vmtest)" = "$VMTEST" ] || fail "vmtest on PATH is not the installed one"

make -s
vmtest config >config.txt
cat config.txt
grep -q "^project file:  $work/repo/vmtest.yaml$" config.txt || fail "vmtest.yaml not found"
grep -q "^bundled data:  $work/prefix/share/vmtest$" config.txt || fail "data not found beside the binary"
grep -q "^guest agent:   $work/prefix/libexec/vmtest/vmtest-guest$" config.txt || fail "agent not in libexec"
! grep -qF "$src" config.txt || fail "a path into the vmtest checkout is in effect"

# The action's matrix mode: the rows to fan out over.
rows=$(vmtest config --rows-json "$@" | python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)["kernel"]))')
echo "consumer: rows: $rows"
case " $rows " in *" 5.10 "*) ;; *) fail "5.10 is not among the rows ($rows): the regression needs it" ;; esac

# One run per row, as the action's one job per row. unavailable() says whether a row's results
# say no source can provide its image here (GitHub's runner would fetch it; this machine is
# offline): such a row is left out, except 5.10.
unavailable() {
  python3 - "$1/results.json" <<'PY'
import json, sys
try:
    k = json.load(open(sys.argv[1]))["kernels"][0]
except (OSError, ValueError, KeyError, IndexError):
    sys.exit(1)
sys.exit(0 if k.get("status") in ("error", "skipped")
         and k.get("error", "").startswith("not available here") else 1)
PY
}
booted=()
for k in $rows; do
  out="vmtest-results/$k-1of1"
  rc=0 t=$SECONDS
  bash "$src/scripts/action/run.sh" "$k" "$out" 1/1 >"run-$k.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && [ "$k" != 5.10 ] && unavailable "$out"; then
    echo "consumer: $k: left out: $(grep -m1 -o 'not available here.*' "run-$k.log" | cut -c1-120)"
    rm -rf "$out"
    continue
  fi
  cat "run-$k.log"
  [ "$rc" -eq 0 ] || fail "row $k: run.sh exited $rc"
  echo "consumer: $k: run.sh exit 0 in $((SECONDS - t)) s"
  booted+=("$k")
done
gate_rows=()
for k in "${booted[@]}"; do gate_rows+=(--kernel "$k"); done
bash "$src/scripts/action/gate.sh" vmtest-results vmtest-report "${gate_rows[@]}" >gate.log 2>&1 || {
  cat gate.log
  fail "the gate is not green on the committed baselines"
}
cat gate.log
for f in report.html junit.xml summary.md verdict.json results.json; do
  [ -s "vmtest-report/$f" ] || fail "vmtest-report/$f missing"
done
echo "consumer: green on ${booted[*]} ($((SECONDS - start)) s so far)"

# A row without a baseline (a new row, or one not recorded yet) is a warning, not a failure;
# only --strict makes it one. The same results with 5.10's baseline moved away; no boot.
mv baselines/5.10.json 5.10.json.kept
rc=0
vmtest gate vmtest-report/results.json "${gate_rows[@]}" >nobase.log 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat nobase.log; fail "the gate exited $rc on a row without a baseline, not 0"; }
grep -q "no baseline for kernel 5\.10" nobase.log || { cat nobase.log; fail "the gate does not name 5.10's missing baseline"; }
rc=0
vmtest gate vmtest-report/results.json "${gate_rows[@]}" --strict >nobase-strict.log 2>&1 || rc=$?
[ "$rc" -ne 0 ] || { cat nobase-strict.log; fail "--strict passed a row without a baseline"; }
mv 5.10.json.kept baselines/5.10.json
echo "consumer: a row without a baseline: gate exit 0; with --strict exit $rc"

# A change 5.10 rejects: count through bpf_loop() (5.17+ helper; 6.1 and 6.12 accept it).
python3 - src/xdp_filter.bpf.c <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("static __always_inline int count(__u32 action) {",
              "static long bump(__u32 i, void* inc) {\n  *(__u64*)inc += 1;\n  return 0;\n}\n\n"
              "static __always_inline int count(__u32 action) {", 1)
s = s.replace("  if (n) *n += 1;",
              "  __u64 inc = 0;\n  bpf_loop(1, bump, &inc, 0);\n  if (n) *n += inc;", 1)
assert "bpf_loop(1, bump, &inc" in s
open(p, "w").write(s)
PY
make -s
rm -rf vmtest-results vmtest-report
# 5.10 rejects it; the newest row stands for the rows that accept it.
newest=${booted[${#booted[@]}-1]}
[ "$newest" != 5.10 ] || fail "no row newer than 5.10 was booted"
for k in 5.10 "$newest"; do
  bash "$src/scripts/action/run.sh" "$k" "vmtest-results/$k-1of1" 1/1 || true
done
rc=0
bash "$src/scripts/action/gate.sh" vmtest-results vmtest-report --kernel 5.10 --kernel "$newest" >gate.log 2>&1 || rc=$?
cat gate.log
[ "$rc" -eq 1 ] || fail "the gate exited $rc on a verdict flip, not 1"
grep -E "^FAIL +5\.10 xdp_filter\.bpf\.o/xdp_filter" gate.log || fail "no FAIL line naming 5.10 and xdp_filter"
! grep -E "^FAIL +$newest " gate.log || fail "$newest failed too"
grep -q "::error file=src/xdp_filter.bpf.c,line=" gate.log || fail "no annotation on src/xdp_filter.bpf.c"
python3 - vmtest-report/verdict.json <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["exit_code"] == 1, v["exit_code"]
text = json.dumps(v)
assert "xdp_filter" in text and "5.10" in text, "verdict.json does not name the program and kernel"
PY
echo "consumer: the gate fails on 5.10 rejecting xdp_filter; e2e took $((SECONDS - start)) s"
