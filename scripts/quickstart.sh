#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The main job from a fresh Debian 12 machine, as root: install the dependencies, build only
# what a run needs (the vmtest CLI, its guest agent and the bundled corpus; no test binaries),
# install vmtest onto PATH (PREFIX, default /usr/local), then run the corpus on the default
# kernel rows from this checkout (its vmtest.yaml). Writes vmtest-out/results.json and
# vmtest-out/report.html; exits 0 clean, 1 regression, 2 error.
# Usage: scripts/quickstart.sh [vmtest run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "quickstart: run as root (this machine has no sudo)" >&2
  exit 2
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build vmtest corpus
$SUDO cmake --install build --prefix "$PREFIX" >/dev/null
echo "quickstart: installed $PREFIX/bin/vmtest ($("$PREFIX/bin/vmtest" --version))"
# The first run downloads three pinned Debian kernels into ~/.cache/vmtest.
exec "$PREFIX/bin/vmtest" run "$@"
