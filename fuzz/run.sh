#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The parsers' fuzz targets (fuzz/CMakeLists.txt): builds them with clang under ASan and UBSan
# in their own build dir, replays the committed seed corpus (ctest -L fuzz), then fuzzes every
# target for a bounded time, two at a time. A crash, leak, UB report or hang fails the script;
# the input that caused it is kept in $FUZZ_BUILD_DIR/findings/<target>/ (crash-*, leak-*,
# timeout-*). Fix the parser, add a unit test, and commit the input to fuzz/corpus/<target>/.
#
# Two modes. A gate must give the same answer on every run of the same commit, so under CI=true
# (or FUZZ_RUNS set) each target runs a fixed number of inputs from a fixed seed: the same
# mutations every time, and a failure reproduces with the same command. Otherwise each target
# explores for FUZZ_SECONDS from a random seed, to find new inputs worth committing.
#
#   FUZZ_RUNS       inputs per target, deterministic (default under CI=true: 5000)
#   FUZZ_SEED       seed for the deterministic mode (default 1)
#   FUZZ_SECONDS    seconds per target when exploring (default 10; 0: build and replay only)
#   FUZZ_BUILD_DIR  default build-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
FUZZ_SEED=${FUZZ_SEED:-1}
if [ "${CI:-}" = true ]; then FUZZ_RUNS=${FUZZ_RUNS:-5000}; fi
FUZZ_RUNS=${FUZZ_RUNS:-}

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$FUZZ_BUILD_DIR" -G Ninja -DVMTEST_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_COMPILER=clang "${launcher[@]}" >/dev/null
ninja -C "$FUZZ_BUILD_DIR"
ctest --test-dir "$FUZZ_BUILD_DIR" -L fuzz --output-on-failure -j2
if [ -n "$FUZZ_RUNS" ]; then
  [ "$FUZZ_RUNS" -gt 0 ] || exit 0
  budget=(-runs="$FUZZ_RUNS" -seed="$FUZZ_SEED")
  what="$FUZZ_RUNS inputs from seed $FUZZ_SEED"
else
  [ "$FUZZ_SECONDS" -gt 0 ] || exit 0
  budget=(-max_total_time="$FUZZ_SECONDS")
  what="${FUZZ_SECONDS}s"
fi

# One bounded run: new inputs go to a scratch corpus in the build dir, never into fuzz/corpus.
# -max_len keeps generated inputs small enough to run thousands per second; the big seeds
# (deep nesting, huge strings) are covered by the replay above. The config targets get more
# room: a 50 000-character ${NAME} crashed the expander, so mutations must reach that size.
fuzz_one() {
  local target=$1 dir=$FUZZ_BUILD_DIR max_len=16384
  case $target in project_file | env_expand) max_len=65536 ;; esac
  # The deterministic mode starts from the committed seeds alone, never from what an earlier
  # run left in the scratch corpus, so the same commit always replays the same inputs.
  [ -z "$FUZZ_RUNS" ] || rm -rf "$dir/corpus-work/$target"
  mkdir -p "$dir/corpus-work/$target" "$dir/findings/$target"
  # shellcheck disable=SC2086 # FUZZ_BUDGET is a list of flags
  if "$dir/fuzz/fuzz_$target" $FUZZ_BUDGET -timeout=10 -max_len=$max_len \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/findings/$target/" \
    "$dir/corpus-work/$target" "fuzz/corpus/$target" >"$dir/findings/$target.log" 2>&1; then
    echo "fuzz $target: clean for $FUZZ_WHAT ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$dir/findings/$target.log" | grep -o '[0-9]*$') runs)"
  else
    echo "fuzz $target: FAILED after $FUZZ_WHAT; input kept in $dir/findings/$target/"
    [ -z "$FUZZ_RUNS" ] || echo "  reproduce: FUZZ_RUNS=$FUZZ_RUNS FUZZ_SEED=$FUZZ_SEED bash fuzz/run.sh"
    tail -n 40 "$dir/findings/$target.log"
    return 1
  fi
}
export -f fuzz_one
FUZZ_BUDGET="${budget[*]}"
FUZZ_WHAT=$what
export FUZZ_BUILD_DIR FUZZ_RUNS FUZZ_SEED FUZZ_BUDGET FUZZ_WHAT
# The targets fuzz/CMakeLists.txt declares, one per line.
sed -n 's/^fuzz_target(\([a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt | xargs -P2 -I{} bash -c 'fuzz_one {}'
