#!/usr/bin/env bash
# The main job from a fresh Debian 12 machine: install dependencies, build, and run the
# bundled corpus on the default kernel matrix. Writes vmtest-out/results.json and the HTML
# report. Run as root (apt-get, bpf(), /dev/kvm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ninja -C build
exec build/harness/vmtest run --out vmtest-out "$@"
