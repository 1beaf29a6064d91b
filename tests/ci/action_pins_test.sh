#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/ci/check-action-pins.sh can fail: the pin the consumer example shipped with
# (1405d5a8, a commit from before action.yml existed) is refused, as is a commit that does not
# exist; a commit that holds action.yml and the tree's own release tag pass.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { bash scripts/ci/check-action-pins.sh vmtest/vmtest "$tmp/w.yml" >"$tmp/out" 2>&1; }
fail() { echo "action_pins_test: FAIL: $*" >&2; cat "$tmp/out" >&2; exit 1; }

printf 'jobs:\n  a:\n    steps:\n      - uses: vmtest/vmtest@%s # old pin\n' \
  1405d5a8d9bcd94baae43aa7969fcf0c9c072f3b >"$tmp/w.yml"
if git cat-file -e "1405d5a8d9bcd94baae43aa7969fcf0c9c072f3b^{commit}" 2>/dev/null; then
  ! check || fail "the old pin 1405d5a8 passed"
  grep -q "has no action.yml" "$tmp/out" || fail "the old pin's failure does not say why"
else
  echo "action_pins_test: 1405d5a8 is not in this clone (shallow?); skipping that case"
fi

printf '      - uses: "vmtest/vmtest@%s"\n' 0123456789abcdef0123456789abcdef01234567 >"$tmp/w.yml"
! check || fail "a commit that does not exist passed"
grep -q "no such commit" "$tmp/out" || fail "no reason given for a missing commit"

head=$(git log -1 --format=%H -- action.yml)
printf '      - uses: vmtest/vmtest@%s\n      - uses: vmtest/vmtest@v%s\n' "$head" "$(cat VERSION)" >"$tmp/w.yml"
check || fail "a commit with action.yml, or v$(cat VERSION), was refused"

printf '      - uses: vmtest/vmtest@v0.0.999\n' >"$tmp/w.yml"
! check || fail "a tag that does not exist passed"
echo "action_pins_test: the old pin, a missing commit and a missing tag fail; real refs pass"
