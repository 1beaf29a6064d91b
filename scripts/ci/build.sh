#!/usr/bin/env bash
# Configure and build everything (CLI, guest agent, BPF corpus, tests). Used by .ci/run (via
# scripts/test.sh) and by the GitHub workflow's build job.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ninja -C "$BUILD_DIR"
# The workflow ships these between jobs as one tarball; artifacts would drop exec bits.
if [ "${1:-}" = "--pack" ]; then
  tar -cf "$BUILD_DIR/vmtest-dist.tar" "$BUILD_DIR/harness/vmtest" "$BUILD_DIR/harness/vmtest-guest" \
    "$BUILD_DIR/bpf/corpus"
  echo "packed $BUILD_DIR/vmtest-dist.tar"
fi
