#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the e2e scripts that need a clean Debian 12 root (package-selftest.sh for the
# .deb, release-selftest.sh for the tarball): one debootstrap --variant=minbase of bookworm from
# this machine's own mirror (read from its apt sources), kept pristine as a tar in
# $VMTEST_CI_CACHE (default ~/.cache/vmtest-ci) so every later root is an unpack, not a
# debootstrap. Defines:
#   make_minimal_root ROOT WORK   unpack (or debootstrap once) into ROOT; WORK holds logs/tools
#   mount_in SRC DST ARGS...      mount and remember it; unmount_all undoes them, last first
# Callers set `fail` (a function that prints and exits) before using these.
# shellcheck shell=bash
ci_cache=${VMTEST_CI_CACHE:-$HOME/.cache/vmtest-ci}
mounts=()

make_minimal_root() {
  local root=$1 work=$2 src mirror t0=$SECONDS
  src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  mirror=$("$src/scripts/action/debian-mirror.sh" bookworm) || fail "no bookworm mirror in the apt sources"
  mkdir -p "$root" "$ci_cache"
  if [ -s "$ci_cache/bookworm-minbase.tar" ]; then
    tar -xpf "$ci_cache/bookworm-minbase.tar" -C "$root"
    echo "minimal root: from $ci_cache/bookworm-minbase.tar"
    return
  fi
  "$src/scripts/debootstrap-minbase.sh" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  tar -cpf "$ci_cache/bookworm-minbase.tar.tmp" -C "$root" . &&
    mv "$ci_cache/bookworm-minbase.tar.tmp" "$ci_cache/bookworm-minbase.tar"
  echo "minimal root: debootstrapped bookworm (minbase) in $((SECONDS - t0)) s"
}

mount_in() { mkdir -p "$2"; mount "${@:3}" "$1" "$2"; mounts+=("$2"); }

unmount_all() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  mounts=()
}
