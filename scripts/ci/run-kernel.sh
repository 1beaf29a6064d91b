#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# This repository's kernel job: scripts/action/run.sh (what the action runs) with the vmtest of
# the build tree, from the checkout's root.
# Usage: scripts/ci/run-kernel.sh KERNEL OUT_DIR [SHARD [vmtest run options...]]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
export VMTEST=${VMTEST:-$BUILD_DIR/harness/vmtest} VMTEST_BUILD_DIR=${VMTEST_BUILD_DIR:-$BUILD_DIR}
exec scripts/action/run.sh "$@"
