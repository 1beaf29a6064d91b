#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every `uses: <this repository>@<ref>` in the repository's workflows and examples must name a
# ref of this repository that holds action.yml: a commit (40 hex digits) that has it, or a tag
# vX.Y.Z that exists and has it, or v<VERSION>, the tag this tree is released as. A pin to a
# commit without action.yml fails on GitHub only when a user's first workflow runs; this says
# so here, naming the file and line.
# Registered as the ctest lint.action_pins; tests/ci/action_pins_test.sh shows it failing.
# Usage: scripts/ci/check-action-pins.sh [REPO_SLUG (default: vmtest/vmtest)] [FILES...]
#        (default files: every *.yml/*.yaml under .github/ and examples/, and action.yml)
set -euo pipefail
cd "$(dirname "$0")/../.."
slug=${1:-vmtest/vmtest}
shift $(($# > 0 ? 1 : 0))
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files --cached --others --exclude-standard \
                         '.github/*.yml' '.github/*.yaml' 'examples/*.yml' 'examples/*.yaml' action.yml)
fi
version=$(head -n1 VERSION)
rc=0 checked=0
for f in "${files[@]}"; do
  while IFS=: read -r line ref; do
    checked=$((checked + 1))
    where="$f:$line: uses: $slug@$ref"
    if [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
      if ! git cat-file -e "$ref^{commit}" 2>/dev/null; then
        echo "$where: no such commit in this repository" >&2; rc=1
      elif ! git cat-file -e "$ref:action.yml" 2>/dev/null; then
        echo "$where: that commit has no action.yml (the action cannot run from it)" >&2; rc=1
      else
        echo "$where: ok (commit with action.yml)"
      fi
    elif git rev-parse -q --verify "refs/tags/$ref^{commit}" >/dev/null; then
      if git cat-file -e "$ref:action.yml" 2>/dev/null; then
        echo "$where: ok (tag with action.yml)"
      else
        echo "$where: tag $ref has no action.yml" >&2; rc=1
      fi
    elif [ "$ref" = "v$version" ] && [ -f action.yml ]; then
      echo "$where: ok (v$version: this tree's release tag, not pushed yet)"
    else
      echo "$where: $ref is neither a commit nor a tag of this repository holding action.yml" >&2
      rc=1
    fi
  done < <(grep -nE "uses:[[:space:]]*['\"]?$slug@" "$f" |
             sed -E "s|^([0-9]+):.*uses:[[:space:]]*['\"]?$slug@([^[:space:]'\"#]+).*|\\1:\\2|")
done
echo "check-action-pins: $checked pin(s) of $slug in ${#files[@]} file(s)"
exit "$rc"
