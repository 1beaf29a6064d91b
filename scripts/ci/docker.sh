#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs a command inside Debian 12 (the platform vmtest is built and tested on) with the
# checkout mounted, the kernel cache mounted, and /dev/kvm passed through when the host has
# it. GitHub's runners are Ubuntu; this keeps every job on the same packages as .ci/run.
# Usage: scripts/ci/docker.sh COMMAND...
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=${VMTEST_CACHE:-$HOME/.cache/vmtest}
mkdir -p "$cache"
kvm=()
[ -e /dev/kvm ] && kvm=(--device /dev/kvm)
exec docker run --rm "${kvm[@]}" -e CI=true -e VMTEST_CACHE=/vmtest-cache \
  -v "$PWD:/src" -v "$cache:/vmtest-cache" -w /src debian:12 \
  bash -c 'bash scripts/install-deps.sh >/dev/null && "$@"' bash "$@"
