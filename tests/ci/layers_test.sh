#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# cmake/StageLayers.cmake on a scratch harness/: downward and same-stage includes pass, and a
# declared stage without a folder is fine; an upward include fails naming the file, the line and
# both stages; so does an include of, or sources in, a folder that is not a declared stage.
# Usage: layers_test.sh <cmake> <StageLayers.cmake>
set -euo pipefail
cmake=$1
script=$2
t=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$t" "$log"' EXIT
fail() { echo "layers_test: FAIL: $*" >&2; cat "$log" >&2; exit 1; }
h=$t/harness
mkdir -p "$h/core" "$h/results" "$h/verifier"
printf '#pragma once\n' >"$h/core/result.h"
printf '#pragma once\n#include "core/result.h"\n#include <vector>\n' >"$h/results/results.h"
printf '#include "results/results.h"\n#include "gtest/gtest.h"\n' >"$h/results/results.cpp"
printf '#pragma once\n#include "results/results.h"\n#include "core/result.h"\n' >"$h/verifier/log.h"
check() { "$cmake" -DHARNESS_DIR="$h" -DSTAGES=core,results,verifier,app,cli -P "$script" >"$log" 2>&1; }

check || fail "a tree that includes only downward was refused"

# results/ reaching up into verifier/, on line 3.
printf '#pragma once\n#include "core/result.h"\n  #  include "verifier/log.h"\n' >"$h/results/results.h"
rc=0
check || rc=$?
[ "$rc" -ne 0 ] || fail "an upward include passed"
grep -q 'harness/results/results.h:3: #  include "verifier/log.h": results/ may not include verifier/' "$log" ||
  fail "the message does not name the file, line and stages"
printf '#pragma once\n#include "core/result.h"\n' >"$h/results/results.h"
check || fail "the tree was refused after the include was removed"

# A folder of sources that has no place in the order.
mkdir -p "$h/plan"
printf '#include "results/results.h"\n' >"$h/plan/plan.cpp"
rc=0
check || rc=$?
[ "$rc" -ne 0 ] || fail "an undeclared stage passed"
grep -q 'harness/plan/: a folder of sources that is not a declared stage' "$log" ||
  fail "the undeclared folder is not named"
rm -r "$h/plan"

# An include of an undeclared folder, from a declared stage.
mkdir -p "$h/misc"
printf '#include "misc/x.h"\n' >"$h/verifier/log.cpp"
rc=0
check || rc=$?
[ "$rc" -ne 0 ] || fail "an undeclared stage passed"
grep -q 'harness/verifier/log.cpp:1: #include "misc/x.h": verifier/ may not include misc/ (misc/ is not a declared stage)' "$log" ||
  fail "the include of an undeclared folder is not named"
echo "layers_test: ok"
