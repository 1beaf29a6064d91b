#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs every build, test and runtime dependency from Debian's packages.
# Used by .ci/run and by the README, so a fresh Debian 12 machine needs nothing else.
set -euo pipefail

PKGS=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang llvm
  # libFuzzer and the sanitizer runtimes for fuzz/ (only a recommendation of clang's)
  libclang-rt-14-dev
  # core libraries (libbpf comes from bookworm-backports, below)
  libelf-dev zlib1g-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev
  libarchive-dev libcurl4-openssl-dev libssl-dev libmstch-dev libdtl-dev
  libgtest-dev libgmock-dev
  # BPF headers (asm/types.h lives in linux-libc-dev)
  linux-libc-dev
  # the VM layer (qemu-system-arm has qemu-system-aarch64, for the arm64 rows)
  qemu-system-x86 qemu-system-arm busybox-static
  # the aarch64 build of the guest agent: Debian's cross compiler; its arm64 libraries are
  # multiarch packages (ARM64_PKGS below)
  g++-aarch64-linux-gnu
  # kernel downloads go through apt itself
  apt ca-certificates
  # extra outside corpus: Debian's real XDP objects
  libxdp1
  # loopback servers for the oci/url/rpm sources
  docker-registry skopeo rpm python3
  # the debian source's loopback mirror: its indices are signed with a throwaway key
  gnupg
  # reports: headless browser for the HTML report's end-to-end test (DOM checks, screenshot)
  chromium
  # the release tarball (scripts/release/build.sh): an $ORIGIN rpath on the bundled binaries
  patchelf
  # the lint test: every shell script through shellcheck (the workflow validators are npm
  # packages that scripts/ci/lint-workflows.sh installs from its lock with the machine's npm)
  shellcheck
)

# From bookworm-backports, pinned: the libbpf the agent links statically (1.4: newer BTF kinds,
# kfuncs, struct_ops autoload, better messages) and the bpftool every guest probes with.
# Upstream versions are fixed; the Debian revision may move with backports' rebuilds.
# vmtest-guest records the libbpf version in every result, so a change here shows up there.
BACKPORTS_PKGS=(
  "libbpf-dev=1:1.4.6-*" "libbpf1=1:1.4.6-*"
  "bpftool=7.5.0+*"
)

# arm64 multiarch libraries (dpkg --add-architecture arm64, below): what the aarch64 agent links
# statically (libelf, zlib; libbpf comes from backports like the host's) and what the arm64
# bpftool needs at run time in arm64 guests (libc, libcap, libelf, zlib). Multi-Arch: same, so
# apt keeps them at exactly the host packages' versions.
ARM64_PKGS=(
  libc6-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libcap2:arm64
)
ARM64_BACKPORTS_PKGS=(
  "libbpf-dev:arm64=1:1.4.6-*" "libbpf1:arm64=1:1.4.6-*"
)
# Debian's arm64 bpftool and busybox are unpacked here, never installed: they run only inside
# arm64 guests (bpftool for the capability probe, busybox for bench/overhead.sh's floor).
ARM64_TOOLS_DIR=/usr/local/lib/vmtest/aarch64

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  # A minimal Debian 12 root (a container, a debootstrap) has no sudo: say so, run as root.
  command -v sudo >/dev/null || { echo "install-deps: run as root (no sudo here)" >&2; exit 2; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# bookworm-backports from the mirror this machine already uses (never a host name of ours).
if ! grep -qsE '^[[:space:]]*Suites:.*[[:space:]]bookworm-backports([[:space:]]|$)' \
       /etc/apt/sources.list.d/*.sources &&
   ! grep -qsE '^[[:space:]]*deb[[:space:]].*[[:space:]]bookworm-backports[[:space:]]' \
       /etc/apt/sources.list /etc/apt/sources.list.d/*.list; then
  mirror=$("$(dirname "$0")/action/debian-mirror.sh" bookworm) || {
    echo "install-deps: no bookworm entry in /etc/apt sources to take the mirror from" >&2
    exit 2
  }
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
    "$mirror" /usr/share/keyrings/debian-archive-keyring.gpg |
    $SUDO tee /etc/apt/sources.list.d/vmtest-backports.sources >/dev/null
fi

dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PKGS[@]}" "${ARM64_PKGS[@]}"
if ! $SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports \
       "${BACKPORTS_PKGS[@]}" "${ARM64_BACKPORTS_PKGS[@]}"; then
  echo "install-deps: a pinned bookworm-backports version is gone; available now:" >&2
  apt-cache policy libbpf-dev bpftool >&2
  exit 2
fi

# The arm64 bpftool at the very version of the host's (so both columns of the capability
# matrix come from the same bpftool), and busybox at the host's version too.
unpack_arm64() {  # unpack_arm64 PACKAGE PATH_IN_DEB NAME
  local version tmp
  version=$(dpkg-query -W -f='${Version}' "$1")
  tmp=$(mktemp -d)
  chmod 777 "$tmp"   # apt downloads as the _apt user
  # A binNMU can give the arm64 build another revision; then take arm64's candidate.
  (cd "$tmp" && { $SUDO apt-get download -q "$1:arm64=$version" >/dev/null 2>&1 ||
                  $SUDO apt-get download -q "$1:arm64" >/dev/null; })
  dpkg-deb -x "$tmp"/"$1"_*_arm64.deb "$tmp/root"
  $SUDO install -D -m 755 "$tmp/root/$2" "$ARM64_TOOLS_DIR/$3"
  rm -rf "$tmp"
}
unpack_arm64 bpftool usr/sbin/bpftool bpftool
unpack_arm64 busybox-static bin/busybox busybox
