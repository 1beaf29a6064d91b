#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Prints the release notes of VERSION: its section of CHANGELOG.md ("## [X.Y.Z] ..." up to the
# next "## "), without the heading. Exit 1 when the section is missing or empty, so no release
# goes out without notes.
# Usage: scripts/release/notes.sh VERSION [CHANGELOG (default: CHANGELOG.md at the top)]
set -euo pipefail
version=$1
changelog=${2:-$(cd "$(dirname "$0")/../.." && pwd)/CHANGELOG.md}
notes=$(awk -v v="$version" '
  /^## / { if (inside) exit; if (index($0, "[" v "]") == 4) { inside = 1; next } }
  inside { print }' "$changelog")
if [ -z "${notes//[[:space:]]/}" ]; then
  echo "notes: no section for $version in $changelog" >&2
  exit 1
fi
printf '%s\n' "$notes" | sed -e '/./,$!d'
