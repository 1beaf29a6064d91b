#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `vmtest config --rows-json` is what the action fans out over: an unknown row is a usage error
# (exit 2, naming it and the rows there are), never a job that can only fail; known rows and
# the default selection print as a job matrix.
# Usage: tests/ci/config_rows_test.sh VMTEST
set -euo pipefail
vmtest=$(realpath "$1")
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t" # no vmtest.yaml above: the bundled matrix
fail() { echo "config_rows_test: FAIL: $*" >&2; cat "$t/err" >&2 2>/dev/null || true; exit 1; }
rc=0
"$vmtest" --no-config config --rows-json --kernel 6.1 --kernel nosuch >"$t/out" 2>"$t/err" || rc=$?
[ "$rc" -eq 2 ] || fail "an unknown row exited $rc, not 2"
grep -q "unknown kernel 'nosuch'; choose from: .*6\.1" "$t/err" || fail "the error does not name the row and the choices"
[ ! -s "$t/out" ] || fail "a matrix was printed for an unknown row: $(cat "$t/out")"
"$vmtest" --no-config config --rows-json --kernel 6.1 --shards 2 >"$t/out" 2>"$t/err" || fail "a known row failed"
[ "$(cat "$t/out")" = '{"kernel":["6.1"],"shard":["1/2","2/2"]}' ] || fail "matrix: $(cat "$t/out")"
"$vmtest" --no-config config --rows-json >"$t/out" 2>"$t/err" || fail "the default rows failed"
grep -q '"kernel":\["' "$t/out" || fail "no default rows: $(cat "$t/out")"
echo "config_rows_test: unknown row -> exit 2; known and default rows -> a job matrix"
