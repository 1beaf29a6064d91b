#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs a command in Debian 12 (the platform vmtest is built and tested on; GitHub's runners are
# Ubuntu) after installing the vmtest .deb from PKG_DIR. The workspace is mounted at its own path
# so paths in results and annotations match the checkout; the kernel cache is mounted, and
# /dev/kvm is passed through when the runner has it (TCG otherwise). This action's scripts are
# at /vmtest-action/scripts/action inside.
# Usage: scripts/action/docker.sh PKG_DIR COMMAND...
set -euo pipefail
action_dir=$(cd "$(dirname "$0")/../.." && pwd)
pkg=$(cd "$1" && pwd)
shift
cache=${VMTEST_CACHE:-$HOME/.cache/vmtest}
mkdir -p "$cache"
kvm=()
[ -e /dev/kvm ] && kvm=(--device /dev/kvm)
exec docker run --rm "${kvm[@]}" -e CI=true -e VMTEST_CACHE=/vmtest-cache \
  -e VMTEST_OCI_REGISTRY -e VMTEST_BUILD_DIR -e VMTEST_CONFIG -e GITHUB_ACTIONS -e GITHUB_WORKSPACE \
  -v "$PWD:$PWD" -w "$PWD" -v "$cache:/vmtest-cache" \
  -v "$action_dir:/vmtest-action:ro" -v "$pkg:/vmtest-pkg:ro" debian:12 \
  bash -c 'bash /vmtest-action/scripts/action/install-deb.sh /vmtest-pkg/vmtest.deb >/dev/null &&
           "$@"' bash "$@"
