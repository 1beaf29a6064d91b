#!/usr/bin/env bash
# The whole test suite: configure, build, unit tests, then the end-to-end layer that boots
# real Debian kernels (5.10, 6.1, 6.12) in qemu. Run as root (bpf() and /dev/kvm).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ninja -C "$BUILD_DIR"

# Unit tests first: they are fast and boot nothing.
ctest --test-dir "$BUILD_DIR" -L unit --output-on-failure -j2
# End-to-end on real kernels; these download pinned kernels into the cache on first use.
ctest --test-dir "$BUILD_DIR" -L e2e --output-on-failure
