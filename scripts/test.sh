#!/usr/bin/env bash
# The whole test suite: build, unit tests, then the end-to-end layer that boots real Debian
# kernels (5.10, 6.1, 6.12) in qemu, serves kernels from loopback registries, drives the HTML
# report in Chromium and replays the GitHub workflow's pipeline. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}

bash scripts/ci/build.sh
# Unit tests first: they are fast and boot nothing.
ctest --test-dir "$BUILD_DIR" -L unit --output-on-failure -j2
# End-to-end on real kernels; pinned kernels are downloaded into the cache on first use.
ctest --test-dir "$BUILD_DIR" -L e2e --output-on-failure
