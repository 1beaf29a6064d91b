#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The whole test suite: build, unit tests, then the end-to-end layer that boots real Debian
# kernels (5.10, 6.1, 6.12) in qemu, serves kernels from loopback registries, drives the HTML
# report in Chromium, replays the GitHub workflow's pipeline and runs the consumer example with
# an installed vmtest and the .deb in a clean Debian 12 root. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}

# Each step says how long it took, so a slow CI run shows where its time went.
step() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "test.sh: $name took $((SECONDS - start)) s"
}

step build bash scripts/ci/build.sh
# Unit tests first: they are fast and boot nothing.
step "unit tests" ctest --test-dir "$BUILD_DIR" -L unit --output-on-failure -j2
# Every parser of untrusted input under ASan and UBSan: the seed corpus replayed, then each
# target fuzzed (fuzz/run.sh; its own clang build dir, build-fuzz).
step fuzz bash fuzz/run.sh
# action.yml, the workflows and the scripts through their validators.
step lint ctest --test-dir "$BUILD_DIR" -L lint --output-on-failure
# End-to-end on real kernels; pinned kernels are downloaded into the cache on first use.
step e2e ctest --test-dir "$BUILD_DIR" -L e2e --output-on-failure
