#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Where the loader's time goes inside a guest, next to the kernel's own verification time:
# links a profiling copy of vmtest-guest (bench/loader_profile.cpp wraps libbpf's syscalls and
# entry points) from the build's own objects, runs it once on a corpus in a TCG guest, and
# prints the agent's time split into bpf_object__open/load/close, each bpf() command (map
# creation, program loads against Σ verification time, BTF loads), libbpf's user-space work,
# the costliest map creations, the costliest loads and the costliest phases between libbpf's
# debug messages (CO-RE candidate searches show up there). One run: the split, not the total,
# is the point; bench/loader-overhead.sh gives the total against its floor.
# Usage: bench/loader-profile.sh [BUILD_DIR]
#   KERNEL=6.1   guest row
#   CORPUS=DIR   objects to load (default: bench/libbpf-tools-corpus.sh into a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(cd "${1:-build}" && pwd)
KERNEL=${KERNEL:-6.1}
[ -x "$BUILD/harness/vmtest" ] || { echo "build first: $BUILD/harness/vmtest missing" >&2; exit 2; }
WORK=$(mktemp -d /tmp/vmtest-loader-profile.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ -z "${CORPUS:-}" ]; then
  CORPUS="$WORK/corpus"
  bench/libbpf-tools-corpus.sh "$CORPUS" >/dev/null
fi

# The build's own link line for vmtest-guest, writing elsewhere, plus the wrappers.
link=$(ninja -C "$BUILD" -t commands harness/vmtest-guest | tail -n 1)
case "$link" in *" -o harness/vmtest-guest "*) ;; *) echo "unexpected link line: $link" >&2; exit 2 ;; esac
c++ -std=c++20 -O2 -c bench/loader_profile.cpp -o "$WORK/loader_profile.o"
wraps="-Wl,--wrap=syscall -Wl,--wrap=libbpf_set_print -Wl,--wrap=bpf_object__open_file"
wraps+=" -Wl,--wrap=bpf_object__load -Wl,--wrap=bpf_object__close -Wl,--wrap=reboot"
wraps+=" -Wl,--wrap=write -Wl,--wrap=tcdrain"
link=${link/ -o harness\/vmtest-guest / -o $WORK/vmtest-guest-profile $WORK/loader_profile.o $wraps }
(cd "$BUILD" && eval "$link")

"$BUILD/harness/vmtest" run --kernel "$KERNEL" --corpus "$CORPUS" --no-gate --no-capabilities \
  --timeout 1800 --agent "$WORK/vmtest-guest-profile" --out "$WORK/run" >"$WORK/run.log" 2>&1 || true

python3 - "$WORK/run" "$KERNEL" <<'PY'
import json, os, re, sys

run, kernel = sys.argv[1:3]
try:
    k = json.load(open(os.path.join(run, "results.json")))["kernels"][0]
    console = open(os.path.join(run, "kernels", kernel, "console.log"), errors="replace").read()
except (OSError, ValueError, IndexError, KeyError) as e:
    sys.exit(f"no results ({e}); see {run}.log")
if k["status"] != "ok":
    sys.exit(f"kernel {k['name']} {k['status']}: {k.get('error', '')}")
progs = [p for o in k["objects"] for p in o["programs"]]
n = max(len(progs), 1)
verif = sum(p.get("verification_time_us") or 0 for p in progs) / 1e6
lines = [l[5:] for l in console.splitlines() if l.startswith("PROF ")]
if not lines:
    sys.exit("the profiling agent printed nothing; see the console log")

agent = re.match(r"agent ([\d.]+) s, user ([\d.]+) s, sys ([\d.]+) s", lines[0])
calls = {m[1]: (int(m[2]), float(m[3])) for m in (re.match(r"call (\S+) (\d+) ([\d.]+)", l) for l in lines) if m}
cmds = {int(m[1]): (int(m[2]), float(m[3])) for m in (re.match(r"bpf (\d+) (\d+) ([\d.]+)", l) for l in lines) if m}
loads = [l.split()[1:] for l in lines if l.startswith("load ")]
names = {0: "BPF_MAP_CREATE", 5: "BPF_PROG_LOAD", 18: "BPF_BTF_LOAD"}

def row(label, count, seconds, note=""):
    c = "" if count is None else str(count)
    print(f"  {label:34} {c:>6} {seconds:8.3f} s {seconds / n * 1000:7.1f} ms/program  {note}")

print(f"{len(k['objects'])} objects, {len(progs)} programs; kernel {kernel} ({k['accel']}); one run")
print(f"guest wall {k['boot_seconds']:.2f} s; agent {float(agent[1]):.2f} s "
      f"(user {float(agent[2]):.2f} s, sys {float(agent[3]):.2f} s); Σ verification {verif:.3f} s")
print(f"  {'':34} {'calls':>6} {'time':>10} {'':>18}")
for name in ("bpf_object__open", "bpf_object__load", "bpf_object__close"):
    row(name, *calls[name])
    if name != "bpf_object__load":
        continue
    in_syscalls = 0.0
    for cmd in sorted(cmds, key=lambda c: -cmds[c][1]):
        count, seconds = cmds[cmd]
        in_syscalls += seconds
        if cmd in names:
            note = f"(Σ verification {verif:.3f} s)" if cmd == 5 else ""
            row("  " + names[cmd], count, seconds, note)
    others = sum(s for c, (_, s) in cmds.items() if c not in names)
    row("  other bpf() commands", sum(c for cmd, (c, _) in cmds.items() if cmd not in names), others)
    row("  libbpf without syscalls", None, calls[name][1] - in_syscalls, "(ELF, CO-RE, relocation)")
inside = sum(s for _, s in calls.values())
row("the agent outside these", None, float(agent[1]) - inside, "(listing, logs, test runs, results)")
port = [l.split() for l in lines if l.startswith("port ")]
if port:  # the agent's own write() calls: only the results port writes that way
    row("  records out (write, tcdrain)", int(port[0][1]), float(port[0][2]),
        "(the results serial port)")
print("costliest map creations:")
for l in lines:
    if l.startswith("map "):
        print("  " + l[4:])
print("costliest object loads (object, errno, seconds, maps created, their seconds):")
for l in sorted(loads, key=lambda x: -float(x[2]))[:10]:
    print("  " + " ".join(l))
print(f"{len(loads)} loads for {len(k['objects'])} objects")
print("costliest phases, by the libbpf debug message they follow (seconds, times):")
for l in lines:
    if l.startswith("after "):
        print("  " + l[6:])
PY
