#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the vmtest .deb from a source tree: only what the package holds (the CLI, the guest
# agent and the bundled corpus; no test binaries), then CPack. Needs the build dependencies
# (scripts/install-deps.sh). Used by action.yml (in a Debian 12 container, cached by version),
# by this repository's workflow and by the package end-to-end test.
# Usage: scripts/action/build-deb.sh SOURCE_DIR OUT_DIR    -> OUT_DIR/vmtest.deb, OUT_DIR/build
set -euo pipefail
src=$(cd "$1" && pwd) out=$2
mkdir -p "$out"
out=$(cd "$out" && pwd)
cmake -S "$src" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMTEST_BUILD_TESTS=OFF
ninja -C "$out/build"
(cd "$out/build" && cpack -G DEB >/dev/null)
debs=("$out"/build/vmtest_*.deb)
[ -f "${debs[0]}" ] || { echo "build-deb: cpack wrote no .deb" >&2; exit 2; }
cp "${debs[0]}" "$out/vmtest.deb"
dpkg-deb --field "$out/vmtest.deb" Package Version Depends
echo "build-deb: wrote $out/vmtest.deb"
