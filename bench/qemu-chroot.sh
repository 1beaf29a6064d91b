#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds a private Debian 12 chroot holding bookworm-backports' qemu, so a newer qemu can be
# measured next to the system's 7.2 without touching the packages other VMs on this machine use.
# Prints the chroot's path. The mirror comes from this machine's own apt sources.
# Usage: bench/qemu-chroot.sh [ROOT]      (default /var/tmp/vmtest-qemu-backports)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${1:-/var/tmp/vmtest-qemu-backports}
[ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, chroot)" >&2; exit 2; }
MIRROR=$(scripts/action/debian-mirror.sh bookworm) || { echo "no bookworm mirror in /etc/apt sources" >&2; exit 2; }

if [ ! -x "$ROOT/usr/bin/qemu-system-x86_64" ]; then
  [ -e "$ROOT/etc/debian_version" ] || scripts/debootstrap-minbase.sh bookworm "$ROOT" "$MIRROR"
  cat > "$ROOT/etc/apt/sources.list.d/backports.sources" <<SRC
Types: deb
URIs: $MIRROR
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  chroot "$ROOT" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y -q --no-install-recommends \
    -t bookworm-backports qemu-system-x86 >&2
fi
echo "$ROOT"
