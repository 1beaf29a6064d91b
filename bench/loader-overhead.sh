#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The loader's cost at corpus scale, next to its floor, in one run:
#  1. In a TCG guest (default 6.1): `vmtest run` on the libbpf-tools corpus and on an empty
#     corpus (the floor: boot, agent start, results, power-off), alternated RUNS times. Prints
#     programs, guest wall time (qemu start -> results), the kernel's own verification time
#     summed over every program, and the overhead per program:
#         (wall(corpus) - wall(empty) - sum(verification time)) / programs
#     which is everything the loader, libbpf and test runs add beyond the verifier itself.
#     The machine is shared and its load drifts, so the same figure is also printed round by
#     round (each corpus run against the empty run before it) and with the host CPU time of
#     each run (vmtest and its qemu) in place of the guest's wall time; and for the agent
#     alone, by the time the agent itself reports (no boot, no results transfer).
#  2. On the host kernel: the agent alone (vmtest-guest --manifest) on the same objects:
#     wall, CPU (user+sys) and peak RSS.
# Usage: bench/loader-overhead.sh [BUILD_DIR] [RUNS]
#   KERNEL=6.1        guest row to measure
#   CORPUS=DIR        objects to load (default: bench/libbpf-tools-corpus.sh into a temp dir)
#   VMTEST_ARGS=...   extra `vmtest run` options, e.g. "--isolated-loads"
#   COMPARE_AGENT="F..." also measure these vmtest-guest builds (say, older ones), their runs
#                     alternating with the others so all see the same machine load: a
#                     before/after in one run
#   NO_HOST=1         skip the host measurement
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${2:-3}
KERNEL=${KERNEL:-6.1}
VMTEST="$BUILD/harness/vmtest"
[ -x "$VMTEST" ] || { echo "build first: $VMTEST missing" >&2; exit 2; }
WORK=$(mktemp -d /tmp/vmtest-loader-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# shellcheck disable=SC2206
EXTRA=(${VMTEST_ARGS:-})

if [ -z "${CORPUS:-}" ]; then
  CORPUS="$WORK/corpus"
  bench/libbpf-tools-corpus.sh "$CORPUS" >/dev/null
fi
mkdir -p "$WORK/empty"

guest_run() {  # CORPUS_DIR OUT [vmtest run options...]; OUT.cpu gets the run's host CPU time
  local corpus=$1 out=$2
  shift 2
  /usr/bin/time -f "%U %S" -o "$out.cpu" \
    "$VMTEST" run --kernel "$KERNEL" --corpus "$corpus" --boot-empty --no-gate --no-capabilities --timeout 1800 \
    "${EXTRA[@]}" "$@" --out "$out" >"$out.log" 2>&1 || true
}
# One unmeasured boot first: kernel fetch, accelerator verdict, page cache.
guest_run "$WORK/empty" "$WORK/warm"
for i in $(seq 1 "$RUNS"); do
  guest_run "$WORK/empty" "$WORK/empty-$i"
  guest_run "$CORPUS" "$WORK/corpus-$i"
  c=0
  for other in ${COMPARE_AGENT:-}; do
    c=$((c + 1))
    guest_run "$CORPUS" "$WORK/compare$c-$i" --agent "$other"
  done
done

# Host: `vmtest run --kernel host` writes the agent's manifest; then time the agent alone.
HOST_MANIFEST=""
if [ -z "${NO_HOST:-}" ]; then
  "$VMTEST" run --kernel host --corpus "$CORPUS" --no-gate --no-capabilities "${EXTRA[@]}" \
    --out "$WORK/host" >"$WORK/host.log" 2>&1 || true
  HOST_MANIFEST="$WORK/host/kernels/host/manifest.json"
fi
AGENT="$BUILD/harness/vmtest-guest"
for ((i = 0; i < ${#EXTRA[@]}; i++)); do
  [ "${EXTRA[$i]}" = "--agent" ] && AGENT="${EXTRA[$((i + 1))]}"
done

python3 - "$WORK" "$RUNS" "$KERNEL" "$CORPUS" "$HOST_MANIFEST" "$AGENT" "${COMPARE_AGENT:-}" <<'PY'
import json, os, re, resource, statistics, subprocess, sys, time

work, runs, kernel, corpus, host_manifest, agent, compare = sys.argv[1:8]
runs = int(runs)

def guest(name):
    path = os.path.join(work, name, "results.json")
    try:
        k = json.load(open(path))["kernels"][0]
    except (OSError, ValueError, IndexError, KeyError):
        sys.exit(f"{name}: no results; see {os.path.join(work, name)}.log")
    if k["status"] != "ok":
        sys.exit(f"{name}: kernel {k['name']} {k['status']}: {k.get('error', '')}")
    progs = [p for o in k["objects"] for p in o["programs"]]
    verif = sum(p.get("verification_time_us") or 0 for p in progs) / 1e6
    # user+sys of vmtest and the qemu it waits for: on a shared machine the CPU a run takes
    # varies much less than its wall time.
    cpu = sum(float(x) for x in open(os.path.join(work, name + ".cpu")).read().split()[-2:])
    # The agent's own time in the guest, from the report it sent (no boot, no results transfer).
    raw = open(os.path.join(work, name, "kernels", kernel, "results.out"), errors="replace").read()
    agent_s = float(re.findall(r'"agent_seconds":([0-9.eE+-]+)', raw)[-1])
    return {"programs": len(progs), "wall": k["boot_seconds"], "verif": verif, "cpu": cpu,
            "agent": agent_s,
            "accel": k["accel"], "accepted": sum(p["verdict"] == "accepted" for p in progs)}

empty = [guest(f"empty-{i}") for i in range(1, runs + 1)]
full = [guest(f"corpus-{i}") for i in range(1, runs + 1)]
compares = compare.split()
others = [[guest(f"compare{c}-{i}") for i in range(1, runs + 1)] for c in range(1, len(compares) + 1)]
med = lambda rows, key: statistics.median(r[key] for r in rows)
objects = len([f for f in os.listdir(corpus) if f.endswith(".o")])
n = full[0]["programs"]
print(f"corpus {corpus}: {objects} objects, {n} programs ({full[0]['accepted']} accepted); "
      f"kernel {kernel} ({full[0]['accel']}); median of {runs} runs")
for c, binary in enumerate(compares):
    print(f"compare {c + 1}: {binary}")
print(f"{'':14} {'programs':>8} {'guest_wall_s':>13} {'sum_verif_s':>12} {'host_cpu_s':>11}"
      f" {'agent_s':>8}   all walls")
table = [("empty corpus", empty), ("corpus", full)]
table += [(f"compare {c + 1}", rows) for c, rows in enumerate(others)]
for label, rows in table:
    walls = " ".join("%.2f" % r["wall"] for r in rows)
    print(f"{label:14} {rows[0]['programs']:>8} {med(rows, 'wall'):>13.2f} "
          f"{med(rows, 'verif'):>12.3f} {med(rows, 'cpu'):>11.2f} {med(rows, 'agent'):>8.2f}   {walls}")
for label, rows in table[1:]:
    over = (med(rows, "wall") - med(empty, "wall") - med(rows, "verif")) / max(n, 1) * 1000
    print(f"overhead per program ({label}): ({med(rows, 'wall'):.2f} - {med(empty, 'wall'):.2f}"
          f" - {med(rows, 'verif'):.3f}) s / {n} = {over:.1f} ms")
# The same figure round by round, each corpus run against the empty run just before it: the
# machine's load drifts within minutes, and a pair shares more of it than two medians do.
for label, rows in table[1:]:
    paired = [(r["wall"] - e["wall"] - r["verif"]) / max(n, 1) * 1000 for r, e in zip(rows, empty)]
    print(f"paired per round ({label}): median {statistics.median(paired):.1f} ms   "
          + " ".join("%.1f" % x for x in paired))
# And by host CPU instead of guest wall: under TCG the guest's time is qemu's CPU time, so this
# is the same overhead with less of the machine's load in it.
for label, rows in table[1:]:
    over = (med(rows, "cpu") - med(empty, "cpu") - med(rows, "verif")) / max(n, 1) * 1000
    print(f"overhead per program by host CPU ({label}): ({med(rows, 'cpu'):.2f} - "
          f"{med(empty, 'cpu'):.2f} - {med(rows, 'verif'):.3f}) s / {n} = {over:.1f} ms")
# The loader alone: the agent's time in the guest, which leaves out the boot (most of the
# noise) and the transfer of the results over the serial port.
for label, rows in table[1:]:
    over = (med(rows, "agent") - med(empty, "agent") - med(rows, "verif")) / max(n, 1) * 1000
    print(f"agent-only overhead per program ({label}): ({med(rows, 'agent'):.2f} - "
          f"{med(empty, 'agent'):.2f} - {med(rows, 'verif'):.3f}) s / {n} = {over:.1f} ms")

# A faster loader is worth nothing if it changes what is measured: every program's verdict,
# errno, error and counts (all but times and the log tail, which prints a time) must be the
# same in every compared build's run.
VOLATILE = {"verification_time_us", "test_run", "more_test_runs", "log_tail", "full_log",
            "line_costs", "log_bytes"}
def outcome(name):
    k = json.load(open(os.path.join(work, name, "results.json")))["kernels"][0]
    return {o["name"] + ":" + p["name"]: {f: v for f, v in p.items() if f not in VOLATILE}
            for o in k["objects"] for p in o["programs"]}
base = outcome("corpus-1")
for c in range(1, len(compares) + 1):
    other = outcome(f"compare{c}-1")
    differ = sorted(k for k in base.keys() | other.keys() if base.get(k) != other.get(k))
    print(f"results against compare {c}: "
          + ("identical for all %d programs" % len(base) if not differ else
             "%d of %d programs differ, e.g. %s" % (len(differ), len(base), ", ".join(differ[:5]))))

def host_run(binary):  # wall, user+sys CPU and peak RSS (MiB) of one agent run
    t0 = time.monotonic()
    child = subprocess.Popen([binary, "--manifest", host_manifest, "--output",
                              os.path.join(work, "host.out")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return time.monotonic() - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

if host_manifest:
    agents = [("agent", agent)] + [(f"compare {c + 1}", b) for c, b in enumerate(compares)]
    samples = {label: [] for label, _ in agents}
    for _ in range(runs):
        for label, binary in agents:  # alternating, as in the guest
            samples[label].append(host_run(binary))
    report = json.load(open(os.path.join(work, "host.out")))
    hp = sum(len(o["programs"]) for o in report["objects"])
    print(f"host kernel {os.uname().release}, the agent alone (vmtest-guest --manifest), "
          f"{hp} programs, median of {runs}:")
    for label, binary in agents:
        walls, cpus, rss = zip(*samples[label])
        print(f"  {label:14} wall {statistics.median(walls):.2f} s, cpu "
              f"{statistics.median(cpus):.2f} s, peak RSS {max(rss):.0f} MiB   ({binary})")
PY
