#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds (once) a private Debian sid chroot holding veristat, the reference bench/loader-profile.sh
# compares host mode against. veristat 0.5.1 is packaged in sid only, and its binary needs sid's
# glibc, so it runs in this chroot rather than on the host. Prints the chroot's path. The mirror is
# the one this machine's apt already uses for bookworm (sid is on every Debian mirror).
# Usage: bench/veristat-chroot.sh [ROOT]      (default /var/tmp/vmtest-veristat-sid)
#   VERISTAT_VERSION=0.5.1-1   the sid package version to install (default: whatever sid has)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${1:-/var/tmp/vmtest-veristat-sid}
[ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, chroot)" >&2; exit 2; }
MIRROR=$(scripts/action/debian-mirror.sh sid 2>/dev/null || scripts/action/debian-mirror.sh bookworm) ||
  { echo "no Debian mirror in /etc/apt sources" >&2; exit 2; }

if [ ! -x "$ROOT/usr/bin/veristat" ]; then
  [ -e "$ROOT/etc/debian_version" ] || scripts/debootstrap-minbase.sh sid "$ROOT" "$MIRROR"
  # A mirror that keeps sid as of some date serves a Release past its Valid-Until; its packages
  # are what this bench wants all the same.
  chroot "$ROOT" apt-get -o Acquire::Check-Valid-Until=false update -q >&2
  DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y -q --no-install-recommends \
    "veristat${VERISTAT_VERSION:+=$VERISTAT_VERSION}" >&2
fi
echo "$ROOT"
