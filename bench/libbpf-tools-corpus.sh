#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Extracts the benchmark corpus: the BPF objects embedded in Debian bookworm's libbpf-tools
# binaries (libbpf skeletons; 52 objects). The .deb is downloaded into a scratch directory and
# unpacked there; nothing is installed and nothing extracted belongs in the repository.
# Usage: bench/libbpf-tools-corpus.sh DEST_DIR      prints the number of objects written
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DEST=${1:?usage: $0 DEST_DIR}
# Pinned so every run measures the same objects; bookworm has carried this one since release.
VERSION=${LIBBPF_TOOLS_VERSION:-0.26.0+ds-1}
tmp=$(mktemp -d /tmp/vmtest-libbpf-tools.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "libbpf-tools=$VERSION" >/dev/null 2>"$tmp/err") || {
  cat "$tmp/err" >&2
  echo "cannot download libbpf-tools=$VERSION (run apt-get update, or set LIBBPF_TOOLS_VERSION)" >&2
  exit 2
}
dpkg-deb -x "$tmp"/libbpf-tools_*.deb "$tmp/root"
python3 "$here/extract_bpf_objects.py" "$tmp/root/usr/sbin" "$DEST"
