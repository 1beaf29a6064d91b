#!/usr/bin/env bash
# examples/consumer as a platform team has it, outside this checkout, with vmtest installed by
# `cmake --install` into a scratch prefix and nothing pointing back here: build its objects,
# list the rows, run each row and gate, with the same scripts action.yml runs
# (scripts/action/run.sh, gate.sh). Green against its committed baselines; then one program
# gains a bpf_loop() call, 5.10 rejects it, and the gate must fail naming program and kernel.
# Registered as the ctest e2e.consumer.
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

# The action's matrix mode, then one run per row, then the gate.
rows=$(vmtest config --rows-json | python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)["kernel"]))')
echo "consumer: rows: $rows"
[ "$rows" = "5.10 6.1 6.12" ] || fail "unexpected default rows: $rows"
for k in $rows; do
  bash "$src/scripts/action/run.sh" "$k" "vmtest-results/$k-1of1" 1/1
done
bash "$src/scripts/action/gate.sh" vmtest-results vmtest-report >gate.log 2>&1 || {
  cat gate.log
  fail "the gate is not green on the committed baselines"
}
cat gate.log
for f in report.html junit.xml summary.md verdict.json results.json; do
  [ -s "vmtest-report/$f" ] || fail "vmtest-report/$f missing"
done
echo "consumer: green on $rows ($((SECONDS - start)) s so far)"

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
for k in $rows; do
  bash "$src/scripts/action/run.sh" "$k" "vmtest-results/$k-1of1" 1/1 || true
done
rc=0
bash "$src/scripts/action/gate.sh" vmtest-results vmtest-report >gate.log 2>&1 || rc=$?
cat gate.log
[ "$rc" -eq 1 ] || fail "the gate exited $rc on a verdict flip, not 1"
grep -E "^FAIL +5\.10 xdp_filter\.bpf\.o/xdp_filter" gate.log || fail "no FAIL line naming 5.10 and xdp_filter"
! grep -E "^FAIL +6\.(1|12) " gate.log || fail "6.1 or 6.12 failed too"
grep -q "::error file=src/xdp_filter.bpf.c,line=" gate.log || fail "no annotation on src/xdp_filter.bpf.c"
python3 - vmtest-report/verdict.json <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["exit_code"] == 1, v["exit_code"]
text = json.dumps(v)
assert "xdp_filter" in text and "5.10" in text, "verdict.json does not name the program and kernel"
PY
echo "consumer: the gate fails on 5.10 rejecting xdp_filter; e2e took $((SECONDS - start)) s"
