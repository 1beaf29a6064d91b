#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs one of the action's commands the way install.sh decided: on the runner with the release
# tarball's vmtest (HOW=release), or in the Debian 12 container with the .deb from PKG_DIR
# (container, source). COMMAND is `vmtest ...` or a script of scripts/action (run.sh, gate.sh),
# which is found at the right path either way.
# Usage: scripts/action/exec.sh HOW PKG_DIR COMMAND...
set -euo pipefail
action_dir=$(cd "$(dirname "$0")/../.." && pwd)
how=$1 pkg=$2
shift 2
if [ "$how" = release ]; then
  case "$1" in *.sh) set -- bash "$action_dir/scripts/action/$1" "${@:2}" ;; esac
  exec "$@"
fi
case "$1" in *.sh) set -- bash "/vmtest-action/scripts/action/$1" "${@:2}" ;; esac
exec "$action_dir/scripts/action/docker.sh" "$pkg" "$@"
