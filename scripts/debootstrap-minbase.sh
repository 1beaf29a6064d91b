#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One debootstrap --variant=minbase of SUITE into ROOT from MIRROR: the system's debootstrap,
# or, when it is not installed, Debian's own package unpacked into a scratch folder and run
# from there (it is a shell script and data). Shared by the CI's minimal roots
# (scripts/ci/minimal-root.sh) and the bench chroots (bench/qemu-chroot.sh,
# bench/veristat-chroot.sh). debootstrap's own output goes to stderr.
# Usage: scripts/debootstrap-minbase.sh SUITE ROOT MIRROR
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 SUITE ROOT MIRROR" >&2; exit 2; }
suite=$1 root=$2 mirror=$3
ds=$(command -v debootstrap || true)
if [ -z "$ds" ]; then
  tmp=$(mktemp -d /tmp/vmtest-debootstrap.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -q debootstrap >/dev/null && dpkg -x debootstrap_*.deb x) ||
    { echo "cannot download Debian's debootstrap package" >&2; exit 2; }
  export DEBOOTSTRAP_DIR=$tmp/x/usr/share/debootstrap
  ds=$tmp/x/usr/sbin/debootstrap
fi
"$ds" --variant=minbase "$suite" "$root" "$mirror" >&2
