#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs a vmtest .deb and its runtime dependencies on Debian 12, as root. libbpf 1.4 and
# bpftool 7.5 come from bookworm-backports, which is added from the mirror the machine already
# uses (read from its apt sources; no host name is written here). Copes with a minimal root:
# no sudo needed when root, and apt brings ca-certificates and the archive keyring itself.
# Usage: scripts/action/install-deb.sh VMTEST_DEB
set -euo pipefail
deb=$(realpath "$1")
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deb: run as root (no sudo here)" >&2; exit 2; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

if ! grep -qsE '(^|[[:space:]])bookworm-backports([[:space:]]|$)' \
       /etc/apt/sources.list /etc/apt/sources.list.d/*; then
  uri=$("$(dirname "$0")/debian-mirror.sh" bookworm) ||
    { echo "install-deb: no bookworm entry in the apt sources" >&2; exit 2; }
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
    "$uri" /usr/share/keyrings/debian-archive-keyring.gpg |
    $SUDO tee /etc/apt/sources.list.d/vmtest-backports.sources >/dev/null
fi
$SUDO apt-get update -q
# Only libbpf1 (>= 1:1.4) and bpftool from backports; everything else (qemu 7.2 above all, the
# version vmtest is tested with) stays bookworm's.
$SUDO apt-get install -y -q --no-install-recommends "$deb" \
  libbpf1/bookworm-backports bpftool/bookworm-backports
vmtest --version
