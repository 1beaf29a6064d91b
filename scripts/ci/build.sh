#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Configure and build everything (CLI, guest agent, BPF corpus, tests). Used by .ci/run (via
# scripts/test.sh) and by the GitHub workflow's build job.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
# Under CI=true the CI build type (CMakeLists.txt: -O1, no debug info) halves the build time;
# elsewhere RelWithDebInfo, for backtraces. BUILD_TYPE overrides either.
if [ "${CI:-}" = true ]; then BUILD_TYPE=${BUILD_TYPE:-CI}; fi
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
ninja -C "$BUILD_DIR"
# The workflow ships these between jobs as one tarball; artifacts would drop exec bits.
if [ "${1:-}" = "--pack" ]; then
  tar -cf "$BUILD_DIR/vmtest-dist.tar" "$BUILD_DIR/harness/vmtest" "$BUILD_DIR/harness/vmtest-guest" \
    "$BUILD_DIR/bpf/corpus"
  echo "packed $BUILD_DIR/vmtest-dist.tar"
fi
