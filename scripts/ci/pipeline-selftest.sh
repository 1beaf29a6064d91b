#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs the GitHub workflow's pipeline here, with the very scripts its steps call: one job per
# kernel (run-kernel.sh), then merge, report and gate (merge-and-gate.sh), then the
# maintainers' baseline update into a scratch directory, which must reproduce the committed
# baseline byte for byte. Registered as the ctest e2e.ci_pipeline.
set -euo pipefail
cd "$(dirname "$0")/../.."
# vmtest.yaml names the corpus in the build tree as ${VMTEST_BUILD_DIR:-build}/bpf/corpus.
export VMTEST_BUILD_DIR=${VMTEST_BUILD_DIR:-${BUILD_DIR:-build}}
work=$(mktemp -d /tmp/vmtest-pipeline.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The rows without a Debian package need their local images (.ci/run points
# VMTEST_KERNEL_DIR at them); without those only the Debian rows run, and the README's
# verdict matrix (every row but the canary) cannot be checked.
kernels="5.10 6.1 6.12"
[ -n "${VMTEST_KERNEL_DIR:-}" ] && kernels="4.18 4.18-rhel8.1 5.10 5.15 6.1 6.6 6.12"
for k in $kernels; do
  scripts/ci/run-kernel.sh "$k" "$work/shards/$k"
done
# Sharding: 6.1 once more in two halves; the merge must equal the unsharded 6.1 job.
scripts/ci/run-kernel.sh 6.1 "$work/half1" 1/2
scripts/ci/run-kernel.sh 6.1 "$work/half2" 2/2
"${BUILD_DIR:-build}/harness/vmtest" merge -o "$work/halves.json" "$work/half1/results.json" "$work/half2/results.json"
python3 - "$work/halves.json" "$work/shards/6.1/results.json" <<'PY'
import json, sys
def verdicts(path):
    k = json.load(open(path))["kernels"][0]
    return [(o["name"], p["name"], p["verdict"], p.get("insns_processed"), p["test_run"]["status"])
            for o in k["objects"] for p in o["programs"]]
a, b = verdicts(sys.argv[1]), verdicts(sys.argv[2])
assert a == b, f"merged shards differ from the unsharded run:\n{a}\n{b}"
print(f"sharded 6.1 merged back to the unsharded result ({len(a)} programs)")
PY

# The gate expects exactly the rows this pipeline ran: the arm64 rows have baselines too, but
# they are booted by e2e.capabilities and the arm64 run, not here (TCG cost).
gate_rows=()
for k in $kernels; do gate_rows+=(--kernel "$k"); done
scripts/ci/merge-and-gate.sh "$work/shards" "$work/merged" "${gate_rows[@]}"
for f in report.html junit.xml summary.md results.json; do
  [ -s "$work/merged/$f" ] || { echo "missing $f" >&2; exit 1; }
done
echo "pipeline: merged, reported and gated clean"
if [ -n "${VMTEST_KERNEL_DIR:-}" ]; then
  scripts/update-readme-matrix.sh "$work/merged/results.json" --check
else
  echo "pipeline: README verdict matrix not checked (set VMTEST_KERNEL_DIR for all six rows)"
fi

# The workflow fails on a failing class, through the same scripts: a testrun case that expects
# the wrong retval makes the kernel job exit 1, and the gate job on its results exits 1 too.
# (Every class, without booting, is in tests/gate/failure_classes_test.cpp.)
cp -r testrun "$work/testrun-broken"
sed -i '0,/retval: XDP_PASS/s//retval: XDP_DROP/' "$work/testrun-broken/parser.yaml"
rc=0
scripts/ci/run-kernel.sh 6.1 "$work/broken/6.1" 1/1 --testrun "$work/testrun-broken" > "$work/broken.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$work/broken.log"; echo "run-kernel.sh exited $rc on a missed expectation, not 1" >&2; exit 1; }
rc=0
scripts/ci/merge-and-gate.sh "$work/broken" "$work/broken-merged" --kernel 6.1 > "$work/broken-gate.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$work/broken-gate.log"; echo "merge-and-gate.sh exited $rc on a missed expectation, not 1" >&2; exit 1; }
grep -q "expectation failed" "$work/broken-gate.log"
echo "pipeline: a missed testrun expectation fails the kernel job and the gate job (exit 1)"

mkdir -p "$work/rebaselined"
BASELINES_DIR="$work/rebaselined" scripts/ci/baseline-update.sh 6.1
cmp "$work/rebaselined/6.1.json" bpf/baselines/6.1.json
echo "baseline update reproduced bpf/baselines/6.1.json byte for byte"
