#!/usr/bin/env bash
# Installs every build, test and runtime dependency from Debian's packages.
# Used by .ci/run and by the README, so a fresh Debian 12 machine needs nothing else.
set -euo pipefail

PKGS=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang llvm
  # core libraries
  libbpf-dev libelf-dev zlib1g-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev
  libarchive-dev libcurl4-openssl-dev libssl-dev libmstch-dev libdtl-dev
  libgtest-dev libgmock-dev
  # BPF headers and tooling (asm/types.h lives in linux-libc-dev)
  linux-libc-dev bpftool
  # the VM layer
  qemu-system-x86 busybox-static
  # kernel downloads go through apt itself
  apt ca-certificates
  # extra outside corpus: Debian's real XDP objects
  libxdp1
  # loopback servers for the oci/url/rpm sources
  docker-registry skopeo rpm python3
  # reports: headless browser for the HTML report's end-to-end test (DOM checks, screenshot)
  chromium
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  # A minimal Debian 12 root (a container, a debootstrap) has no sudo: say so, run as root.
  command -v sudo >/dev/null || { echo "install-deps: run as root (no sudo here)" >&2; exit 2; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PKGS[@]}"
