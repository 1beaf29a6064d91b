#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Re-record bpf/baselines: build, then `vmtest baseline update` on the given kernel rows
# (default: every row available here). Used by the maintainers' workflow. Rows named in
# $REFRESH first roll their lock pins forward to the newest kernel (`vmtest kernels lock
# --refresh`), so their baselines are recorded on the build the updated lock names.
# Usage: [REFRESH="6.1 6.12"] scripts/ci/baseline-update.sh [KERNEL...]
set -euo pipefail
cd "$(dirname "$0")/../.."
# vmtest.yaml names the corpus in the build tree as ${VMTEST_BUILD_DIR:-build}/bpf/corpus.
export VMTEST_BUILD_DIR=${VMTEST_BUILD_DIR:-${BUILD_DIR:-build}}
bash scripts/ci/build.sh
for r in ${REFRESH:-}; do
  "${BUILD_DIR:-build}/harness/vmtest" kernels lock --refresh "$r"
done
args=()
for k in "$@"; do args+=(--kernel "$k"); done
"${BUILD_DIR:-build}/harness/vmtest" baseline update "${args[@]}" \
  --baselines "${BASELINES_DIR:-bpf/baselines}" --out vmtest-out/baseline-update
