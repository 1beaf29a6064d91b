#!/usr/bin/env bash
# What CI checks with beyond scripts/install-deps.sh: Debian's shellcheck for the scripts. The
# workflow validators are npm packages that scripts/ci/lint-workflows.sh installs from its lock
# file, and the package test fetches its own debootstrap; neither touches the system.
set -euo pipefail
command -v shellcheck >/dev/null && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q --no-install-recommends shellcheck
