#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Times the action's install step against a release: the release directory that
# scripts/release/build.sh wrote is served on loopback as <url>/vX.Y.Z/<asset>, the way GitHub
# serves release assets, and scripts/action/install.sh (what action.yml runs) downloads the
# tarball, checks it against SHA256SUMS and unpacks it; then `vmtest --version` runs from the
# folder it put on the PATH. Prints the figure next to the 30 s target (printed, not asserted:
# a loaded machine is slower, and the network of a GitHub runner is not loopback).
# Usage: bench/action-install.sh RELEASE_DIR [RUNS (default 3)]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
rel=$(cd "$1" && pwd)
runs=${2:-3}
version=$(head -n1 "$src/VERSION")
name=vmtest-$version-x86_64-linux
[ -f "$rel/$name.tar.gz" ] && [ -f "$rel/SHA256SUMS" ] ||
  { echo "bench: no $name.tar.gz and SHA256SUMS in $rel (scripts/release/build.sh writes them)" >&2; exit 2; }
work=$(mktemp -d /tmp/vmtest-action-install.XXXXXX)
server=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/srv/v$version"
ln -s "$rel/$name.tar.gz" "$rel/SHA256SUMS" "$work/srv/v$version/"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/srv" "$port" >"$work/http.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/v$version/SHA256SUMS" 2>/dev/null && break
  sleep 0.1
done

times=()
for i in $(seq "$runs"); do
  run=$work/run$i
  mkdir -p "$run/tmp"
  : >"$run/output" && : >"$run/path"
  start=$(date +%s.%N)
  ACTION_PATH=$src ACTION_REF=v$version ACTION_REPOSITORY=vmtest/vmtest INSTALL=release \
    RELEASE_URL=http://127.0.0.1:$port RUNNER_TEMP=$run/tmp GITHUB_OUTPUT=$run/output \
    GITHUB_PATH=$run/path bash "$src/scripts/action/install.sh" >"$run/install.log" 2>&1 ||
    { cat "$run/install.log"; echo "bench: the install step failed" >&2; exit 1; }
  grep -qx "how=release" "$run/output" || { cat "$run/install.log"; echo "bench: not installed from the release" >&2; exit 1; }
  PATH="$(cat "$run/path"):$PATH" vmtest --version >"$run/version.txt"
  end=$(date +%s.%N)
  grep -qx "vmtest $version" "$run/version.txt" || { cat "$run/version.txt"; echo "bench: wrong version" >&2; exit 1; }
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
  rm -rf "$run"
done
best=$(printf '%s\n' "${times[@]}" | sort -n | head -n1)
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
echo "action install from a loopback release ($name.tar.gz, $(du -h "$rel/$name.tar.gz" | cut -f1)):"
printf '  install + vmtest --version: median %.2f s, best %.2f s over %d run(s); target 30 s\n' \
  "$median" "$best" "$runs"
