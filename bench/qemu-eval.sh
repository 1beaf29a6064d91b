#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Boot time and reliability of qemu builds, side by side in one run, under load.
#
# Configurations (name = qemu + -cpu model under TCG):
#   7.2        the system qemu, -cpu max,cx16=off (what vmtest uses today)
#   7.2-cx16   the system qemu, -cpu max: the qemu 7.2 TCG cmpxchg16b bug the workaround avoids
#   10.0       bookworm-backports' qemu in a private chroot (bench/qemu-chroot.sh), max,cx16=off
#   10.0-cx16  the same qemu with -cpu max: does the newer qemu still need the workaround?
# vmtest asks for "qemu-system-x86_64" on PATH; a wrapper per configuration picks the qemu and
# rewrites the -cpu model, so the harness itself is unchanged.
#
# Each round, for every configuration (in an order that rotates per round):
#   1. boot:   every kernel boots a busybox initramfs that powers off at once (`vmtest boot`),
#              one at a time: status and seconds from qemu start to exit;
#   2. loaded: `vmtest run` of the bundled corpus on every kernel at once (-j = kernels, more
#              VMs than cores), so each guest competes for the CPUs: status per kernel.
# A failure is any status but ok (boot_failed, timeout, panic, no_results); its console is kept.
#
# Usage: bench/qemu-eval.sh [BUILD_DIR] [ROUNDS]
#   KERNELS="5.10 6.1 6.12"   rows of kernels/matrix.yaml
#   SHARED="4.18 5.15 6.6"    rows built from /work/shared/kernels/<row>/bzImage ("" to skip)
#   CONFIGS="7.2 10.0 10.0-cx16 7.2-cx16"
#   QEMU_ROOT=DIR             chroot holding the newer qemu (default: built by qemu-chroot.sh)
#   EXTRA_APPEND="..."        kernel arguments the wrappers add to every guest's command line
#   KEEP=DIR                  keep raw results (CSV and failed consoles) there
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROUNDS=${2:-20}
KERNELS=${KERNELS-"5.10 6.1 6.12"}
SHARED=${SHARED-"4.18 5.15 6.6"}
SHARED_DIR=${SHARED_DIR:-/work/shared/kernels}
CONFIGS=${CONFIGS:-"7.2 10.0 10.0-cx16 7.2-cx16"}
VMTEST=$(realpath "$BUILD/harness/vmtest")
[ -x "$VMTEST" ] || { echo "build first: $BUILD/harness/vmtest missing" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (chroot, bind mounts)" >&2; exit 2; }
QEMU_ROOT=${QEMU_ROOT:-$(bench/qemu-chroot.sh)}
CACHE=${VMTEST_CACHE:-$HOME/.cache/vmtest}
WORK=$(mktemp -d /tmp/vmtest-qemu-eval.XXXXXX)
MOUNTS=()
cleanup() {
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[$i]}" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "$WORK"/boots.csv "$WORK"/failed "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The chroot's qemu sees the host's paths for kernels, initramfs and console files.
for dir in /dev /proc /sys /tmp "$CACHE" ${SHARED:+"$SHARED_DIR"}; do
  mkdir -p "$QEMU_ROOT$dir"
  mount --bind "$dir" "$QEMU_ROOT$dir"
  MOUNTS+=("$QEMU_ROOT$dir")
done

for c in $CONFIGS; do
  case $c in
    7.2*) prefix="" ;;
    10.0*) prefix="chroot $QEMU_ROOT" ;;
    *) echo "unknown configuration $c" >&2; exit 2 ;;
  esac
  case $c in *-cx16) cpu=max ;; *) cpu="" ;; esac
  mkdir -p "$WORK/bin-$c"
  cat > "$WORK/bin-$c/qemu-system-x86_64" <<EOF
#!/usr/bin/env bash
args=()
prev=""
for a in "\$@"; do
  arg=\$a
  if [ -n "$cpu" ] && [ "\$a" = "max,cx16=off" ]; then arg="$cpu"; fi
  if [ -n "${EXTRA_APPEND:-}" ] && [ "\$prev" = "-append" ]; then arg="\$a ${EXTRA_APPEND:-}"; fi
  args+=("\$arg")
  prev=\$a
done
exec $prefix /usr/bin/qemu-system-x86_64 "\${args[@]}"
EOF
  chmod +x "$WORK/bin-$c/qemu-system-x86_64"
  echo "$c: $(PATH="$WORK/bin-$c:$PATH" qemu-system-x86_64 --version | head -1)," \
    "-cpu ${cpu:-max,cx16=off}${EXTRA_APPEND:+, kernel args + $EXTRA_APPEND}"
done

# Rows for the shared kernels: a private matrix of path: sources (their sha256 pinned there).
if [ -n "$SHARED" ]; then
  {
    echo "kernels:"
    for k in $SHARED; do
      sum=$(awk -v f="$k/bzImage" '$2 == f {print $1}' "$SHARED_DIR/SHA256SUMS")
      printf '  - name: "%s"\n    description: shared %s image\n    source:\n' "$k" "$k"
      printf '      path: {vmlinuz: %s/%s/bzImage, config: %s/%s/config, sha256: %s}\n' \
        "$SHARED_DIR" "$k" "$SHARED_DIR" "$k" "$sum"
    done
  } > "$WORK/shared-matrix.yaml"
  echo '{"format": 1, "kernels": {}}' > "$WORK/shared-lock.json"
fi
matrix_args() {  # KERNEL
  case " $SHARED " in
    *" $1 "*) echo "--matrix $WORK/shared-matrix.yaml --lock $WORK/shared-lock.json" ;;
    *) echo "" ;;
  esac
}

BUSYBOX=$(command -v busybox || echo /bin/busybox)
printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' > "$WORK/init"
"$VMTEST" image --out "$WORK/floor.cpio" --file "$BUSYBOX:/bin/busybox:755" \
  --file "$WORK/init:/init:755" >/dev/null 2>&1
mkdir -p "$WORK/failed"
echo "config,round,phase,kernel,status,seconds" > "$WORK/boots.csv"

record() {  # CONFIG ROUND PHASE KERNEL STATUS SECONDS [CONSOLE]
  echo "$1,$2,$3,$4,$5,$6" >> "$WORK/boots.csv"
  if [ "$5" != ok ] && [ -n "${7:-}" ] && [ -f "$7" ]; then
    cp "$7" "$WORK/failed/$1-r$2-$3-$4.console.log"
  fi
}

ALL="$KERNELS $SHARED"
read -r -a configs <<< "$CONFIGS"
ORIG_PATH=$PATH
for r in $(seq 1 "$ROUNDS"); do
  n=${#configs[@]}
  for ((j = 0; j < n; j++)); do
    c=${configs[$(((r + j) % n))]}
    export PATH="$WORK/bin-$c:$ORIG_PATH"
    for k in $ALL; do
      # shellcheck disable=SC2046
      line=$("$VMTEST" boot --kernel "$k" $(matrix_args "$k") --initrd "$WORK/floor.cpio" \
        --accel tcg --timeout 120 --work "$WORK/boot-$k" --json 2>/dev/null || true)
      st=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["status"], d["seconds"])' \
        "$line" 2>/dev/null || echo "error 0")
      record "$c" "$r" boot "$k" ${st% *} ${st#* } "$WORK/boot-$k/console.log"
    done
    # Loaded: every kernel of a matrix at once, the two matrices side by side.
    pids=()
    if [ -n "$KERNELS" ]; then
      # shellcheck disable=SC2046
      "$VMTEST" run $(for k in $KERNELS; do echo --kernel "$k"; done) --no-gate --no-capabilities \
        --accel tcg --timeout 300 -j 6 --out "$WORK/run-a" >/dev/null 2>&1 &
      pids+=($!)
    fi
    if [ -n "$SHARED" ]; then
      # shellcheck disable=SC2046
      "$VMTEST" run $(matrix_args "${SHARED%% *}") $(for k in $SHARED; do echo --kernel "$k"; done) \
        --no-gate --no-capabilities --accel tcg --timeout 300 -j 6 --out "$WORK/run-b" \
        >/dev/null 2>&1 &
      pids+=($!)
    fi
    for p in "${pids[@]}"; do wait "$p" || true; done
    for out in "$WORK/run-a" "$WORK/run-b"; do
      [ -f "$out/results.json" ] || continue
      python3 -c '
import json, sys
for k in json.load(open(sys.argv[1]))["kernels"]:
    print(k["name"], k["status"], k["boot_seconds"])' "$out/results.json" |
        while read -r k st s; do record "$c" "$r" loaded "$k" "$st" "$s" "$out/kernels/$k/console.log"; done
      rm -rf "$out"
    done
  done
  echo "round $r/$ROUNDS done" >&2
done

python3 - "$WORK/boots.csv" "$ALL" "$CONFIGS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kernels, configs = sys.argv[2].split(), sys.argv[3].split()
print(f"\n{'kernel':7} {'config':10} {'boots':>5} {'boot ok':>7} {'boot median s':>13} "
      f"{'boot max s':>10} {'loaded ok':>9} {'loaded median s':>15}  failures")
for k in kernels:
    for c in configs:
        b = [r for r in rows if r["kernel"] == k and r["config"] == c and r["phase"] == "boot"]
        l = [r for r in rows if r["kernel"] == k and r["config"] == c and r["phase"] == "loaded"]
        bok = [float(r["seconds"]) for r in b if r["status"] == "ok"]
        lok = [float(r["seconds"]) for r in l if r["status"] == "ok"]
        fails = sorted({f"{r['phase']}:{r['status']}" for r in b + l if r["status"] != "ok"})
        med = lambda v: f"{statistics.median(v):.2f}" if v else "-"
        print(f"{k:7} {c:10} {len(b):>5} {len(bok):>7} {med(bok):>13} "
              f"{(max(bok) if bok else 0):>10.2f} {f'{len(lok)}/{len(l)}':>9} {med(lok):>15}  "
              f"{' '.join(fails)}")
PY
