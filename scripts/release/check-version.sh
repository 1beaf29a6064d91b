#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Prints the version (VERSION, the one place it is kept) and, given a tag, checks the tag is
# exactly v<VERSION>: a release is built only from a tag that names what the binary reports.
# Usage: scripts/release/check-version.sh [TAG]    exit 2 on a mismatch or a malformed VERSION
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
version=$(head -n1 "$src/VERSION")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  { echo "check-version: VERSION holds '$version', not X.Y.Z" >&2; exit 2; }
tag=${1:-}
if [ -n "$tag" ] && [ "$tag" != "v$version" ]; then
  echo "check-version: tag $tag does not match VERSION $version (expected v$version)" >&2
  exit 2
fi
echo "$version"
