#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# This repository's gate job: scripts/action/gate.sh (what the action runs) with the vmtest of
# the build tree, from the checkout's root.
# Usage: scripts/ci/merge-and-gate.sh RESULTS_ROOT OUT_DIR [vmtest gate options...]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
export VMTEST=${VMTEST:-$BUILD_DIR/harness/vmtest} VMTEST_BUILD_DIR=${VMTEST_BUILD_DIR:-$BUILD_DIR}
exec scripts/action/gate.sh "$@"
