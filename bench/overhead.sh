#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Prints, measured side by side in the same run (runs alternate, so both see the same load):
#  1. per kernel: the overhead of `vmtest run` with an empty corpus (qemu start -> results ->
#     exit), median of N, next to its floor: the same kernel booting a busybox initramfs
#     whose /init powers off at once, booted through the same VM runner;
#  2. the wall time of the default matrix (every row of kernels/matrix.yaml's defaults,
#     bundled corpus, kernel images and capability probes already cached), median of N, next
#     to its floor: the same kernels booting the busybox floor image, as many at a time as
#     `vmtest run` boots (one per core).
# Part 1 also measures the arm64 rows (arch: arm64 in the matrix; not in the defaults), each
# against its own floor: the same busybox image built from Debian's arm64 busybox
# (scripts/install-deps.sh unpacks it into /usr/local/lib/vmtest/aarch64), booted in
# qemu-system-aarch64 through the same runner.
# Usage: bench/overhead.sh [BUILD_DIR] [RUNS]     (kernels are fetched on first use)
#   KERNELS="4.18 5.15 6.6" bench/overhead.sh    limits part 1 to those rows
# The rows without a Debian package (4.18, 5.15, 6.6) need their images: set
# VMTEST_KERNEL_DIR, or keep ../shared/kernels next to the checkout as CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${2:-5}
VMTEST="$BUILD/harness/vmtest"
if [ -z "${VMTEST_KERNEL_DIR:-}" ] && [ -d ../shared/kernels ]; then
  VMTEST_KERNEL_DIR="$(cd .. && pwd)/shared/kernels"
  export VMTEST_KERNEL_DIR
fi
DEFAULTS=$(python3 -c 'import yaml; print(" ".join(yaml.safe_load(open("kernels/matrix.yaml"))["defaults"]))' 2>/dev/null ||
           echo "4.18 5.10 5.15 6.1 6.6 6.12")
# arm64 rows, and the arch of every row (x86_64 unless the matrix says otherwise).
ARM64_ROWS=$(python3 -c 'import yaml; print(" ".join(r["name"] for r in yaml.safe_load(open("kernels/matrix.yaml"))["kernels"] if r.get("arch") == "arm64"))' 2>/dev/null ||
             echo "6.1-arm64 6.12-arm64")
KERNELS=${KERNELS:-$DEFAULTS $ARM64_ROWS}
JOBS=$(nproc)
WORK=$(mktemp -d /tmp/vmtest-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

[ -x "$VMTEST" ] || { echo "build first: $VMTEST missing" >&2; exit 2; }
BUSYBOX=$(command -v busybox || echo /bin/busybox)

# The floor image: busybox and an /init script that powers off immediately; one per arch.
printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' > "$WORK/init"
"$VMTEST" image --out "$WORK/floor.cpio" --file "$BUSYBOX:/bin/busybox:755" \
  --file "$WORK/init:/init:755" 2>/dev/null
BUSYBOX_ARM64=${BUSYBOX_ARM64:-/usr/local/lib/vmtest/aarch64/busybox}
if [ -x "$BUSYBOX_ARM64" ]; then
  "$VMTEST" image --out "$WORK/floor-arm64.cpio" --file "$BUSYBOX_ARM64:/bin/busybox:755" \
    --file "$WORK/init:/init:755" 2>/dev/null
fi
floor_of() {  # the floor image for row $1
  case " $ARM64_ROWS " in *" $1 "*) echo "$WORK/floor-arm64.cpio" ;; *) echo "$WORK/floor.cpio" ;; esac
}
mkdir -p "$WORK/empty"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
seconds_of_run() {  # boot_seconds of the one kernel in a results.json
  python3 -c 'import json,sys; k=json.load(open(sys.argv[1]))["kernels"][0]; print(k["boot_seconds"] if k["status"]=="ok" else "FAIL:"+k["status"])' "$1"
}
floor_boot() {  # floor_boot KERNEL WORKDIR: seconds of one floor boot, or FAIL
  "$VMTEST" boot --kernel "$1" --initrd "$(floor_of "$1")" --work "$2" --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["seconds"] if d["status"]=="ok" else "FAIL")'
}

printf '%-10s %12s %12s %8s %12s\n' kernel floor_s vmtest_s ratio overhead_s
for k in $KERNELS; do
  if [ "$(floor_of "$k")" != "$WORK/floor.cpio" ] && [ ! -f "$(floor_of "$k")" ]; then
    echo "$k: no arm64 busybox at $BUSYBOX_ARM64 (scripts/install-deps.sh); skipped"; continue
  fi
  "$VMTEST" run --kernel "$k" --corpus "$WORK/empty" --boot-empty --out "$WORK/warm" >/dev/null 2>&1 || true
  : > "$WORK/floor.$k"; : > "$WORK/run.$k"
  for i in $(seq 1 "$RUNS"); do
    floor_boot "$k" "$WORK/boot" >> "$WORK/floor.$k" || echo FAIL >> "$WORK/floor.$k"
    "$VMTEST" run --kernel "$k" --corpus "$WORK/empty" --boot-empty --out "$WORK/r" >/dev/null 2>&1 || true
    seconds_of_run "$WORK/r/results.json" >> "$WORK/run.$k"
  done
  if grep -q FAIL "$WORK/floor.$k" "$WORK/run.$k"; then
    echo "$k: some boots failed:"; paste "$WORK/floor.$k" "$WORK/run.$k"
  fi
  f=$(grep -v FAIL "$WORK/floor.$k" | median)
  r=$(grep -v FAIL "$WORK/run.$k" | median)
  printf '%-10s %12.3f %12.3f %8.2f %12.3f\n' "$k" "$f" "$r" "$(echo "$r / $f" | bc -l)" \
    "$(echo "$r - $f" | bc -l)"
done

# Default matrix, bundled corpus, everything cached: median of N, alternating with its floor.
"$VMTEST" run --out "$WORK/m" >/dev/null 2>&1 || true   # warm: fetch, probe, cache
: > "$WORK/matrix"; : > "$WORK/matrix.floor"
for i in $(seq 1 "$RUNS"); do
  s=$(date +%s.%N)
  for k in $DEFAULTS; do echo "$k"; done |
    xargs -P "$JOBS" -I{} sh -c "\"$VMTEST\" boot --kernel {} --initrd \"$WORK/floor.cpio\" --work \"$WORK/mfloor/{}\" >/dev/null 2>&1"
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l >> "$WORK/matrix.floor"
  s=$(date +%s.%N)
  "$VMTEST" run --out "$WORK/m" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l >> "$WORK/matrix"
done
ok=$(python3 -c 'import json,sys; print(sum(1 for k in json.load(open(sys.argv[1]))["kernels"] if k["status"]=="ok"))' "$WORK/m/results.json")
printf 'default matrix (%s of %s rows ok, bundled corpus, %s VMs at a time): median wall %.2f s, floor %.2f s, over %s runs\n' \
  "$ok" "$(echo $DEFAULTS | wc -w)" "$JOBS" "$(median < "$WORK/matrix")" "$(median < "$WORK/matrix.floor")" "$RUNS"
printf '  runs:  %s\n  floor: %s\n' "$(sort -n "$WORK/matrix" | awk '{printf "%.2f ", $1}')" \
  "$(sort -n "$WORK/matrix.floor" | awk '{printf "%.2f ", $1}')"
