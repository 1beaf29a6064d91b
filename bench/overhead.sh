#!/usr/bin/env bash
# Prints two figures, measured side by side in the same run:
#  1. per-kernel overhead: `vmtest run` with an empty corpus (qemu start -> results -> exit),
#     median of N, next to the floor: the same kernel booting a busybox initramfs whose /init
#     powers off at once, booted through the same VM runner. Runs alternate so both see the
#     same machine load.
#  2. the wall time of the default matrix (bundled corpus, kernels already cached).
# Usage: bench/overhead.sh [BUILD_DIR] [RUNS]     (kernels are fetched on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${2:-5}
VMTEST="$BUILD/harness/vmtest"
KERNELS=${KERNELS:-"5.10 6.1 6.12"}
WORK=$(mktemp -d /tmp/vmtest-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

[ -x "$VMTEST" ] || { echo "build first: $VMTEST missing" >&2; exit 2; }
BUSYBOX=$(command -v busybox || echo /bin/busybox)

# The floor image: busybox and an /init script that powers off immediately.
printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' > "$WORK/init"
"$VMTEST" image --out "$WORK/floor.cpio" --file "$BUSYBOX:/bin/busybox:755" \
  --file "$WORK/init:/init:755" 2>/dev/null
mkdir -p "$WORK/empty"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
seconds_of_run() {  # boot_seconds of the one kernel in a results.json
  python3 -c 'import json,sys; k=json.load(open(sys.argv[1]))["kernels"][0]; print(k["boot_seconds"] if k["status"]=="ok" else "FAIL:"+k["status"])' "$1"
}

printf '%-6s %12s %12s %8s\n' kernel floor_s vmtest_s ratio
for k in $KERNELS; do
  "$VMTEST" run --kernel "$k" --corpus "$WORK/empty" --out "$WORK/warm" >/dev/null 2>&1 || true
  : > "$WORK/floor.$k"; : > "$WORK/run.$k"
  for i in $(seq 1 "$RUNS"); do
    "$VMTEST" boot --kernel "$k" --initrd "$WORK/floor.cpio" --work "$WORK/boot" --json 2>/dev/null |
      python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["seconds"] if d["status"]=="ok" else "FAIL")' >> "$WORK/floor.$k"
    "$VMTEST" run --kernel "$k" --corpus "$WORK/empty" --out "$WORK/r" >/dev/null 2>&1 || true
    seconds_of_run "$WORK/r/results.json" >> "$WORK/run.$k"
  done
  if grep -q FAIL "$WORK/floor.$k" "$WORK/run.$k"; then
    echo "$k: some boots failed:"; paste "$WORK/floor.$k" "$WORK/run.$k"
  fi
  f=$(grep -v FAIL "$WORK/floor.$k" | median)
  r=$(grep -v FAIL "$WORK/run.$k" | median)
  printf '%-6s %12.3f %12.3f %8.2f\n' "$k" "$f" "$r" "$(echo "$r / $f" | bc -l)"
done

# Default matrix wall time, bundled corpus, kernels cached: median of N.
: > "$WORK/matrix"
for i in $(seq 1 "$RUNS"); do
  s=$(date +%s.%N)
  "$VMTEST" run --out "$WORK/m" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l >> "$WORK/matrix"
done
printf 'default matrix (%s kernels, bundled corpus): median wall %.2f s over %s runs (all: %s)\n' \
  "$(python3 -c 'import json; print(sum(1 for k in json.load(open("'"$WORK"'/m/results.json"))["kernels"] if k["status"]=="ok"))')" \
  "$(median < "$WORK/matrix")" "$RUNS" "$(sort -n "$WORK/matrix" | awk '{printf "%.2f ", $1}')"
