#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Re-record bpf/baselines: build, then `vmtest baseline update` on the given kernel rows
# (default: every row available here). Used by the maintainers' workflow.
# Usage: scripts/ci/baseline-update.sh [KERNEL...]
set -euo pipefail
cd "$(dirname "$0")/../.."
# vmtest.yaml names the corpus in the build tree as ${VMTEST_BUILD_DIR:-build}/bpf/corpus.
export VMTEST_BUILD_DIR=${VMTEST_BUILD_DIR:-${BUILD_DIR:-build}}
bash scripts/ci/build.sh
args=()
for k in "$@"; do args+=(--kernel "$k"); done
"${BUILD_DIR:-build}/harness/vmtest" baseline update "${args[@]}" \
  --baselines "${BASELINES_DIR:-bpf/baselines}" --out vmtest-out/baseline-update
