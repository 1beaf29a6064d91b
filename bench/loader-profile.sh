#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The distance to the physical limit, and where the rest of the time goes, in one run.
#
# The limit of a row is its boot floor (the same kernel booting a busybox initramfs whose /init
# powers off at once, through the same VM runner) plus Σ verification_time_us, the time the
# kernel itself spent verifying. For the bundled corpus and the libbpf-tools corpus
# (bench/libbpf-tools-corpus.sh) in a TCG guest (default 6.1) this prints:
#   - the wall time of `vmtest run` (start to exit, median of RUNS), the floor, Σ verification
#     and × limit = wall / (floor + Σ verification), against the target (≤ 1.5);
#   - the split of that wall: the host process before boot (corpus discovery and listing,
#     kernel cache), image packing, boot, agent start (mounts, manifest, feature probes, kernel
#     BTF parse and name index), per-object open/relocate/map creation, loads (BPF_PROG_LOAD,
#     next to Σ verification), test runs, level-2 reloads (full logs), record transfer, host
#     post-processing. The host's part comes from vmtest's own progress lines, timestamped as
#     they arrive; the guest's from one run with a profiling copy of vmtest-guest (bench/
#     loader_profile.cpp wraps libbpf's syscalls and the agent's stages, linked from the build's
#     own objects), so the split is of that one run;
#   - one agent worker against two (--guest-cpus 1 and 2, agent/ordered_workers.h) on each
#     guest corpus, with the after build, their runs alternating with the builds' and their
#     outcomes compared; with CORE1=1 both again with the whole run pinned to one host core
#     (taskset -c 0), the contrast for a host without a spare core;
#   - the default six-row matrix (bundled corpus, warm caches) against its floor (the six floor
#     boots, as many at a time as vmtest boots), target ≤ 2×;
#   - host mode (`vmtest run --kernel host --no-capabilities --no-testrun`, bundled corpus)
#     against veristat 0.5.1 on the same objects, runs paired and alternating, target ≤ 1.5×.
#     veristat is packaged in Debian sid only and needs sid's glibc: bench/veristat-chroot.sh
#     builds a sid chroot for it once (cached under /var/tmp).
# With BEFORE_BUILD_DIR (another build, say of main in a worktree of its own), every figure is
# measured for both builds, their runs alternating so both see the same load, and the outcome
# check compares every program's verdict, errno, error and counts between them (and the after
# build's default loads with its --isolated-loads, the reference): any difference is printed
# and makes the exit status 1.
# Usage: bench/loader-profile.sh [BUILD_DIR] [BEFORE_BUILD_DIR]
#   RUNS=3        rounds (medians are printed, and every value)
#   KERNEL=6.1    guest row
#   CORPUS=DIR    the second corpus (default: bench/libbpf-tools-corpus.sh into a temp dir)
#   MATRIX=0      skip the six-row matrix;  HOST=0  skip host mode and veristat;
#   GUEST=0       skip the two corpora in the guest
#   HOST_RUNS=10  paired host-mode runs;    ISOLATED=0  skip the --isolated-loads check
#   WORKERS=0     skip one worker against two;  CORE1=1  add the one-core contrast
#   VERISTAT_ROOT=DIR   the sid chroot (default /var/tmp/vmtest-veristat-sid)
#   KEEP=1        keep the work directory (every run's output, consoles with PROF lines)
# The matrix rows without a Debian package (4.18, 5.15, 6.6) need VMTEST_KERNEL_DIR, or
# ../shared/kernels next to the checkout as CI has.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BUILD=$(cd "${1:-build}" && pwd)
BEFORE=""
[ -n "${2:-}" ] && BEFORE=$(cd "$2" && pwd)
KERNEL=${KERNEL:-6.1}
RUNS=${RUNS:-3}
HOST_RUNS=${HOST_RUNS:-10}
if [ -z "${VMTEST_KERNEL_DIR:-}" ] && [ -d ../shared/kernels ]; then
  VMTEST_KERNEL_DIR="$(cd .. && pwd)/shared/kernels"
  export VMTEST_KERNEL_DIR
fi
for b in "$BUILD" $BEFORE; do
  [ -x "$b/harness/vmtest" ] && [ -x "$b/harness/vmtest-guest" ] ||
    { echo "build first: $b/harness/vmtest and vmtest-guest" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/vmtest-loader-profile.XXXXXX)
cleanup() {
  [ -n "${VROOT:-}" ] && { umount -l "$VROOT/sys" 2>/dev/null || true; umount -l "$VROOT/proc" 2>/dev/null || true; }
  if [ "${KEEP:-0}" = 1 ]; then echo "work kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2

# Builds: "after" always, "before" when given. Each is measured with its own vmtest and agent.
BUILDS="after"
[ -n "$BEFORE" ] && BUILDS="after before"
build_of() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$BUILD"; fi; }
# Worker variants of the after build, guest corpora only: w1 and w2 force one and two vCPUs
# (and agent workers) per guest; c1w1 and c1w2 do the same with the run pinned to one core.
has_guest_cpus() {  # not `| grep -q`: under pipefail, grep's early exit fails the pipe
  case "$("$(build_of "$1")/harness/vmtest" run --help 2>/dev/null)" in *--guest-cpus*) ;; *) return 1 ;; esac
}
VARIANTS=""
if [ "${WORKERS:-1}" = 1 ] && has_guest_cpus after; then
  VARIANTS="w1 w2"
  [ "${CORE1:-0}" = 1 ] && VARIANTS+=" c1w1 c1w2"
fi
variant_prefix() { case "$1" in c1*) echo "taskset -c 0" ;; esac; }
variant_args() { case "$1" in *w1) echo "--guest-cpus 1" ;; *w2) echo "--guest-cpus 2" ;; esac; }

# A profiling copy of each build's vmtest-guest: the build's own link line, writing elsewhere,
# plus the wrappers. The agent's stages are wrapped by their mangled names, found among the
# symbols the agent's objects call; the forwarders below pass the six integer registers
# through and hand back rax:rdx, which covers any function of at most six integer or pointer
# arguments (a returned class travels through a hidden pointer argument).
profile_agent() {  # BUILD OUT
  local b=$1 out=$2 link objs
  link=$(ninja -C "$b" -t commands harness/vmtest-guest | tail -n 1)
  case "$link" in *" -o harness/vmtest-guest "*) ;; *) echo "unexpected link line: $link" >&2; exit 2 ;; esac
  objs=$(cd "$b" && for w in $link; do case "$w" in *.o | *.a) [ -f "$w" ] && echo "$b/$w" ;; esac; done)
  local stages="probe_features:1 list_programs:2 load_object:3 run_test_case:4 collect_full_logs:5"
  local src="$out.stages.cpp" wraps=""
  printf '%s\n' '// Generated by bench/loader-profile.sh.' 'extern "C" void profile_enter(int);' \
    'extern "C" void profile_leave();' 'struct Pair { void* a; void* b; };' \
    'struct Leave { ~Leave() { profile_leave(); } };' > "$src"
  for s in $stages; do
    local fn=${s%%:*} id=${s##*:} mangled demangled args
    mangled=$(nm -u $objs 2>/dev/null | awk '{print $2}' | grep -E "^_ZN6vmtest[0-9]+${fn}[EB]" | sort -u | head -n1 || true)
    [ -n "$mangled" ] || { echo "note: no call to vmtest::$fn in $b; that stage is not split out" >&2; continue; }
    demangled=$(echo "$mangled" | c++filt)
    args=$(python3 -c 'import sys
s = sys.argv[1]; s = s[s.index("(") + 1:s.rindex(")")]
depth = 0; n = 1 if s.strip() else 0
for c in s:
    depth += c in "<("; depth -= c in ">)"; n += c == "," and depth == 0
print(-1 if "float" in s or "double" in s else n)' "$demangled")
    if [ "$args" -lt 0 ] || [ "$args" -gt 6 ]; then
      echo "note: $demangled takes arguments the forwarder cannot pass; not split out" >&2; continue
    fi
    cat >> "$src" <<CPP
extern "C" Pair __real_${mangled}(void*, void*, void*, void*, void*, void*);
extern "C" Pair __wrap_${mangled}(void* a, void* b, void* c, void* d, void* e, void* f) {
  profile_enter(${id});
  Leave l;
  return __real_${mangled}(a, b, c, d, e, f);
}
CPP
    wraps+=" -Wl,--wrap=$mangled"
  done
  c++ -std=c++20 -O2 -c bench/loader_profile.cpp -o "$out.profile.o"
  c++ -std=c++20 -O2 -Wno-return-type-c-linkage -c "$src" -o "$out.stages.o"
  wraps+=" -Wl,--wrap=syscall -Wl,--wrap=libbpf_set_print -Wl,--wrap=bpf_object__open_file"
  wraps+=" -Wl,--wrap=bpf_object__load -Wl,--wrap=bpf_object__close -Wl,--wrap=reboot"
  wraps+=" -Wl,--wrap=write -Wl,--wrap=tcdrain"
  link=${link/ -o harness\/vmtest-guest / -o $out $out.profile.o $out.stages.o $wraps }
  (cd "$b" && eval "$link")
}
for name in $BUILDS; do profile_agent "$(build_of "$name")" "$WORK/agent-profile-$name"; done

# The corpora. The bundled one is each build's own (the default corpus, gated against the
# baselines as a plain `vmtest run` is); both builds compile it from the same sources.
TOOLS=${CORPUS:-}
if [ -z "$TOOLS" ]; then
  TOOLS="$WORK/tools"
  bench/libbpf-tools-corpus.sh "$TOOLS" >/dev/null
fi
corpus_args() {  # CORPUS: the run options that select it
  if [ "$1" = bundled ]; then echo ""; else echo "--corpus $TOOLS --no-gate"; fi
}

# The floor image: busybox and an /init that powers off at once.
BUSYBOX=$(command -v busybox || echo /bin/busybox)
printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' > "$WORK/init"
"$BUILD/harness/vmtest" image --out "$WORK/floor.cpio" --file "$BUSYBOX:/bin/busybox:755" \
  --file "$WORK/init:/init:755" 2>/dev/null
floor_boot() {  # KERNEL WORKDIR: seconds of one floor boot (qemu start -> exit), or FAIL
  "$BUILD/harness/vmtest" boot --kernel "$1" --initrd "$WORK/floor.cpio" --work "$2" --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["seconds"] if d["status"]=="ok" else "FAIL")' ||
    echo FAIL
}

# Every `vmtest run` is timed from outside (start, exit) and its progress lines are stamped as
# they arrive: the host's part of the split.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }
timed_run() {  # NAME BUILD_NAME [vmtest run options...]: writes $WORK/NAME/ and $WORK/NAME.t
  local name=$1 b prefix extra
  b=$(build_of "$2")
  prefix=$(variant_prefix "$2")
  extra=$(variant_args "$2")
  shift 2
  {
    echo "start $EPOCHREALTIME"
    # shellcheck disable=SC2086
    { VMTEST_BUILD_DIR="$b" $prefix "$b/harness/vmtest" run "$@" $extra --out "$WORK/$name" 2>&1 >"$WORK/$name.stdout" || true; } | stamp
    echo "end $EPOCHREALTIME"
  } > "$WORK/$name.t"
}
guest_run() {  # NAME BUILD_NAME CORPUS [options...]
  local name=$1 bn=$2 corpus=$3
  shift 3
  # shellcheck disable=SC2046
  timed_run "$name" "$bn" --kernel "$KERNEL" $(corpus_args "$corpus") --timeout 1800 "$@"
}

# GUEST=0 skips the guest corpora (host mode and the matrix only).
GUEST=${GUEST:-1}
# Warm-up, unmeasured: kernel images, the accelerator verdict, cached capability probes.
[ "$GUEST" = 1 ] && for name in $BUILDS; do
  for c in bundled tools; do guest_run "warm-$name-$c" "$name" "$c"; done
done
[ "${MATRIX:-1}" = 1 ] && timed_run warm-matrix after

for i in $(seq 1 "$RUNS"); do
  echo "round $i of $RUNS (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  floor_boot "$KERNEL" "$WORK/floorboot" >> "$WORK/floor"
  [ "$GUEST" = 1 ] && for c in bundled tools; do
    for name in $BUILDS $VARIANTS; do guest_run "$c-$name-$i" "$name" "$c"; done
  done
  if [ "${MATRIX:-1}" = 1 ]; then
    rows=$(python3 -c 'import yaml; print(" ".join(yaml.safe_load(open("kernels/matrix.yaml"))["defaults"]))')
    s=$EPOCHREALTIME
    for k in $rows; do echo "$k"; done |
      xargs -P "$(nproc)" -I{} sh -c "\"$BUILD/harness/vmtest\" boot --kernel {} --initrd \"$WORK/floor.cpio\" --work \"$WORK/mfloor/{}\" >/dev/null 2>&1"
    echo "$s $EPOCHREALTIME" >> "$WORK/matrix-floor"
    for name in $BUILDS; do timed_run "matrix-$name-$i" "$name"; done
  fi
done

# One profiled run per build and corpus: the guest's part of the split. One worker: the
# profiling wrappers count in the process that prints them.
[ "$GUEST" = 1 ] && for c in bundled tools; do
  for name in $BUILDS; do
    one=""
    has_guest_cpus "$name" && one="--guest-cpus 1"
    # shellcheck disable=SC2086
    guest_run "profile-$c-$name" "$name" "$c" --agent "$WORK/agent-profile-$name" $one
  done
done
if [ "${ISOLATED:-1}" = 1 ] && [ "$GUEST" = 1 ]; then
  for c in bundled tools; do guest_run "isolated-$c" after "$c" --isolated-loads; done
fi

# Host mode against veristat, on the bundled corpus's objects: paired, alternating.
VROOT=""
if [ "${HOST:-1}" = 1 ]; then
  if VROOT=$(bench/veristat-chroot.sh "${VERISTAT_ROOT:-/var/tmp/vmtest-veristat-sid}"); then
    mkdir -p "$VROOT/tmp/vmtest-corpus"
    rm -f "$VROOT"/tmp/vmtest-corpus/*
    cp "$BUILD"/bpf/corpus/*.o "$VROOT/tmp/vmtest-corpus/"
    mount --rbind /sys "$VROOT/sys"
    mount -t proc proc "$VROOT/proc"
    mapfile -t VFILES < <(cd "$VROOT" && ls tmp/vmtest-corpus/*.o | sed 's|^|/|')
    chroot "$VROOT" veristat --version > "$WORK/veristat.version" 2>&1 || true
    chroot "$VROOT" veristat -o csv "${VFILES[@]}" > "$WORK/veristat.csv" 2>/dev/null || true
    for i in $(seq 1 "$HOST_RUNS"); do
      s=$EPOCHREALTIME
      chroot "$VROOT" veristat "${VFILES[@]}" >/dev/null 2>&1 || true
      echo "$s $EPOCHREALTIME" >> "$WORK/veristat"
      for name in $BUILDS; do
        timed_run "host-$name-$i" "$name" --kernel host --no-capabilities --no-testrun
      done
    done
  else
    echo "no veristat chroot; host mode not compared" >&2
    VROOT=""
  fi
fi

python3 - "$WORK" "$RUNS" "$KERNEL" "$BUILDS" "$HOST_RUNS" "${MATRIX:-1}" "${HOST:-1}" \
  "${ISOLATED:-1}" "$BUILD" "$BEFORE" "$GUEST" "$VARIANTS" <<'PY'
import json, os, re, statistics, sys

work, runs, kernel, builds, host_runs, matrix, host, isolated, after_dir, before_dir, guest, variants = sys.argv[1:13]
runs, host_runs = int(runs), int(host_runs)
builds = builds.split()
variants = variants.split()
med = statistics.median
failures = []

def stamps(name):  # the timed run: start, end and each progress line's arrival
    lines = open(os.path.join(work, name + ".t"), errors="replace").read().splitlines()
    start = float(lines[0].split()[1])
    end = float(lines[-1].split()[1]) if lines[-1].startswith("end ") else None
    events = []
    for l in lines[1:-1]:
        t, _, text = l.partition(" ")
        events.append((float(t), text))
    return start, end, events

def first(events, pattern, default=None):
    for t, text in events:
        if re.search(pattern, text):
            return t
    return default

def results(name):
    try:
        return json.load(open(os.path.join(work, name, "results.json")))
    except (OSError, ValueError):
        return None

def row(name):  # the one kernel of a guest or host run, or None
    r = results(name)
    ks = r["kernels"] if r else []
    return ks[0] if ks and ks[0]["status"] == "ok" else None

def programs(k):
    return [p for o in k["objects"] for p in o["programs"]]

def host_split(name, kname):
    """Host-side times of one run from its stamped progress lines."""
    start, end, ev = stamps(name)
    k = row(name)
    if end is None or k is None:
        return None
    t_corpus = first(ev, r"^vmtest: corpus: ", start)
    t_cached = first(ev, rf"^vmtest: {re.escape(kname)}: kernel (cached|fetched)", t_corpus)
    t_boot = first(ev, rf"^vmtest: {re.escape(kname)}: booting", t_cached)
    t_done = first(ev, rf"^vmtest: {re.escape(kname)}: \w+ after ", t_boot + k["boot_seconds"])
    return {
        "wall": end - start,
        "guest": k["boot_seconds"],
        "discovery": t_corpus - start,     # exec, settings, corpus discovery, hashing, listing
        "kernel": t_cached - t_corpus,     # bpftool, kernel image from the cache
        "image": t_boot - t_cached,        # guest image packing, accelerator choice
        "runner": max(0.0, t_done - t_boot - k["boot_seconds"]),
        "post": end - t_done,              # records absorbed, full logs, results.json, gate
        "verif": sum(p.get("verification_time_us") or 0 for p in programs(k)) / 1e6,
        "programs": len(programs(k)), "objects": len(k["objects"]), "accel": k.get("accel", ""),
    }

def parse_prof(name):
    console = os.path.join(work, name, "kernels", kernel, "console.log")
    try:
        text = open(console, errors="replace").read()
    except OSError:
        return None
    lines = [l[5:] for l in text.splitlines() if l.startswith("PROF ")]
    if not lines:
        return None
    m = re.match(r"agent ([\d.]+) s, user ([\d.]+) s, sys ([\d.]+) s, started ([\d.]+) s", lines[0])
    p = {"agent": float(m[1]), "started": float(m[4]), "stage": {}, "bpf": {}, "btf": None,
         "lines": lines}
    # The kernel's own clock at power-off (printk.time): with the agent's start on the same
    # clock, the guest's wall splits into firmware, kernel boot, agent and power-off.
    down = re.findall(r"^\[\s*([\d.]+)\] reboot: Power down", text, re.M)
    p["power_down"] = float(down[-1]) if down else None
    for l in lines:
        f = l.split()
        if f[0] == "stage":
            p["stage"][f[1]] = (int(f[2]), float(f[3]))
        elif f[0] == "first-object":
            p["first"] = float(f[1])
        elif f[0] == "agent-before-first":
            p["before_first"] = float(f[1])
        elif f[0] == "btf":
            p["btf"] = (float(f[1]), float(f[2]))
        elif f[0] == "bpf":
            p["bpf"][int(f[1])] = (int(f[2]), float(f[3]))
        elif f[0] == "call":
            p.setdefault("call", {})[f[1]] = (int(f[2]), float(f[3]))
    return p

floors = [float(x) for x in open(os.path.join(work, "floor")).read().split() if x != "FAIL"]
floor = med(floors) if floors else float("nan")
print(f"kernel {kernel}; floor (busybox init that powers off, same runner): median {floor:.2f} s"
      f" of {len(floors)}: " + " ".join(f"{x:.2f}" for x in floors))
print(f"load average at the end: {open('/proc/loadavg').read().split()[0:3]}, {os.cpu_count()} cores")

def fmt(x):
    return "n/a" if x is None else f"{x:.2f}"

for corpus, label in (("bundled", "bundled corpus"), ("tools", "libbpf-tools corpus")) if guest == "1" else ():
    print()
    per = {}
    for b in builds + variants:
        splits = [host_split(f"{corpus}-{b}-{i}", kernel) for i in range(1, runs + 1)]
        ok = [s for s in splits if s]
        if len(ok) < len(splits):
            failures.append(f"{corpus} {b}: {len(splits) - len(ok)} of {len(splits)} runs failed")
        per[b] = ok
    first_ok = next((per[b][0] for b in builds if per[b]), None)
    if not first_ok:
        print(f"{label}: no run succeeded")
        continue
    print(f"{label}: {first_ok['objects']} objects, {first_ok['programs']} programs, "
          f"{first_ok['accel']}, median of {runs} rounds (builds alternating)")
    print(f"  {'build':8} {'wall_s':>7} {'guest_s':>8} {'floor_s':>8} {'Σverif_s':>9} "
          f"{'x_limit':>8}  target ≤ 1.50   walls")
    for b in builds + variants:
        ok = per[b]
        if not ok:
            print(f"  {b:8} no successful run")
            continue
        w, g, v = med(s["wall"] for s in ok), med(s["guest"] for s in ok), med(s["verif"] for s in ok)
        x = w / (floor + v)
        # Paired: each run against the floor boot of its own round.
        print(f"  {b:8} {w:7.2f} {g:8.2f} {floor:8.2f} {v:9.3f} {x:8.2f}  "
              f"{'met' if x <= 1.5 else 'NOT met':13}   " + " ".join(f"{s['wall']:.2f}" for s in ok))
    # Two workers against one, paired by round (each pair ran back to back).
    for one, two, where in (("w1", "w2", "2 host cores"), ("c1w1", "c1w2", "1 host core")):
        if one not in variants:
            continue
        pairs = [(a["wall"], b["wall"], a["guest"], b["guest"]) for i in range(1, runs + 1)
                 for a in [host_split(f"{corpus}-{one}-{i}", kernel)]
                 for b in [host_split(f"{corpus}-{two}-{i}", kernel)] if a and b]
        if not pairs:
            continue
        print(f"  workers, {where}: 1 worker {med(p[0] for p in pairs):.2f} s, 2 workers "
              f"{med(p[1] for p in pairs):.2f} s (guest {med(p[2] for p in pairs):.2f} → "
              f"{med(p[3] for p in pairs):.2f} s); paired 2/1 median "
              f"{med(p[1] / p[0] for p in pairs):.2f}: " +
              " ".join(f"{p[1] / p[0]:.2f}" for p in pairs))
    if variants:
        print("  (w1, w2: the after build with --guest-cpus 1, 2; c1…: the same on one host core,"
              " taskset -c 0; after: --guest-cpus as the run decides)")

    # The split: host from the medians of every round, guest from the one profiled run.
    print(f"  where the time goes (host lines: median over rounds; guest lines: one profiled run"
          f" each; seconds):")
    cols = {}
    for b in builds:
        ok = per[b]
        prof_split = host_split(f"profile-{corpus}-{b}", kernel)
        p = parse_prof(f"profile-{corpus}-{b}")
        c = {}
        if ok:
            for key in ("wall", "discovery", "kernel", "image", "runner", "post", "guest", "verif"):
                c[key] = med(s[key] for s in ok)
        if p and prof_split:
            st = {k: v[1] for k, v in p["stage"].items()}
            btf_parse, btf_index = p["btf"] if p["btf"] else (None, None)
            btf = (btf_parse or 0) + (btf_index or 0)
            c["p_guest"] = prof_split["guest"]
            c["p_verif"] = prof_split["verif"]
            c["boot"] = prof_split["guest"] - p["agent"]
            if p["power_down"] is not None:
                c["firmware"] = prof_split["guest"] - p["power_down"]
                c["kboot"] = p["started"]
                c["poweroff"] = p["power_down"] - p["started"] - p["agent"]
                c["agent"] = p["agent"]
            c["start"] = p.get("before_first", 0) + st.get("features", 0) + btf
            c["features"] = st.get("features")
            c["btf_parse"], c["btf_index"] = btf_parse, btf_index
            c["objects"] = st.get("listing", 0) + st.get("objects", 0) - btf
            # Inside it (all loads, full-log reloads included): the opens (ELF and BTF parse),
            # the kernel creating maps and loading the objects' BTF; the rest is libbpf's
            # relocation (CO-RE candidate search over the kernel's BTF above all).
            c["o_open"] = p.get("call", {}).get("bpf_object__open", (0, None))[1]
            c["o_maps"] = p["bpf"].get(0, (0, 0.0))[1]
            c["o_btf"] = p["bpf"].get(18, (0, 0.0))[1]
            c["loads"] = st.get("loads", 0)
            c["testruns"] = st.get("testruns", 0)
            c["fulllogs"] = st.get("fulllogs", 0) + st.get("fullloads", 0)
            c["records"] = st.get("records", 0)
            c["agent_other"] = p["agent"] - sum(c[k] for k in ("start", "objects", "loads", "testruns", "fulllogs", "records"))
            c["p_wall"] = prof_split["wall"]
            c["p_prog_loads"] = p["bpf"].get(5, (0, 0))[0]
        cols[b] = c
    rows = [
        ("wall (vmtest run, start to exit)", "wall", "target ≤ 1.5 × (floor + Σ verification)"),
        ("host: start to corpus listed", "discovery", "exec, settings, discovery, hashing, listing"),
        ("host: kernel image from cache", "kernel", ""),
        ("host: image packing", "image", "initramfs of agent + objects"),
        ("guest wall (qemu start to exit)", "guest", f"floor {floor:.2f}"),
        ("host: after the guest", "post", "records, full logs, results.json, gate"),
        ("-- profiled run: wall", "p_wall", ""),
        ("   guest wall", "p_guest", ""),
        ("   boot (guest wall - agent)", "boot", f"floor {floor:.2f}"),
        ("     qemu start to kernel (firmware)", "firmware", "guest wall - kernel clock at power-off"),
        ("     kernel start to /init", "kboot", "kernel clock when the agent started"),
        ("     agent end to power-off", "poweroff", ""),
        ("   agent (its own clock)", "agent", "the lines below split it"),
        ("   agent start", "start", "mounts, manifest, probes, BTF parse + index"),
        ("     feature probes", "features", ""),
        ("     kernel BTF parse", "btf_parse", ""),
        ("     kernel BTF name index", "btf_index", ""),
        ("   per-object open/relocate/map create", "objects", ""),
        ("     opens (ELF, object BTF)", "o_open", "every open, reloads' too"),
        ("     map creation (kernel)", "o_maps", ""),
        ("     object BTF load (kernel)", "o_btf", ""),
        ("   loads (BPF_PROG_LOAD)", "loads", "of which Σ verification ↓"),
        ("     Σ verification (kernel's own)", "p_verif", "the limit"),
        ("   test runs", "testruns", ""),
        ("   level-2 reloads (full logs)", "fulllogs", ""),
        ("   record transfer (results port)", "records", ""),
        ("   agent, the rest", "agent_other", "progress lines, JSON records"),
    ]
    print(f"    {'':42}" + "".join(f"{b:>9}" for b in builds))
    for text, key, note in rows:
        vals = "".join(f"{fmt(cols[b].get(key)):>9}" for b in builds)
        print(f"    {text:42}{vals}   {note}")

# The six-row matrix against its floor.
if matrix == "1":
    print()
    mf = [float(e) - float(s) for s, e in (l.split() for l in open(os.path.join(work, "matrix-floor")))]
    fl = med(mf)
    print(f"default matrix, bundled corpus, warm caches, {os.cpu_count()} cores: floor {fl:.2f} s "
          f"(median of {len(mf)}: " + " ".join(f"{x:.2f}" for x in mf) + ")")
    for b in builds:
        walls = []
        for i in range(1, runs + 1):
            s, e, _ = stamps(f"matrix-{b}-{i}")
            r = results(f"matrix-{b}-{i}")
            okrows = sum(k["status"] == "ok" for k in r["kernels"]) if r else 0
            if e is not None:
                walls.append(e - s)
        w = med(walls)
        print(f"  {b:8} wall {w:.2f} s = {w / fl:.2f}× floor ({okrows} rows ok), target ≤ 2×: "
              f"{'met' if w / fl <= 2 else 'NOT met'}   " + " ".join(f"{x:.2f}" for x in walls))

# Host mode against veristat.
if host == "1" and os.path.exists(os.path.join(work, "veristat")):
    print()
    vs = [float(e) - float(s) for s, e in (l.split() for l in open(os.path.join(work, "veristat")))]
    ver = open(os.path.join(work, "veristat.version")).read().strip()
    vprogs = max(0, len(open(os.path.join(work, "veristat.csv")).read().splitlines()) - 1)
    print(f"host kernel {os.uname().release}: {ver}, {vprogs} programs, median {med(vs):.3f} s "
          f"of {len(vs)} (paired with each build's runs): " + " ".join(f"{x:.3f}" for x in vs))
    for b in builds:
        walls, pre = [], []
        for i in range(1, host_runs + 1):
            s, e, ev = stamps(f"host-{b}-{i}")
            if e is None:
                continue
            walls.append(e - s)
            t_agent = first(ev, r"^vmtest: host: running agent", None)
            if t_agent:
                pre.append(t_agent - s)
        k = row(f"host-{b}-1")
        n = len(programs(k)) if k else 0
        w = med(walls)
        ratios = [a / v for a, v in zip(walls, vs)]
        print(f"  {b:8} vmtest --kernel host: {n} programs, median {w:.3f} s = {w / med(vs):.2f}×"
              f" veristat (paired median {med(ratios):.2f}×), target ≤ 1.5×: "
              f"{'met' if med(ratios) <= 1.5 else 'NOT met'}; before the agent starts "
              f"{med(pre) if pre else float('nan'):.3f} s")

# The outcome check: nothing judged may change.
VOLATILE = {"verification_time_us", "test_run", "more_test_runs", "log_tail", "full_log",
            "line_costs", "log_bytes"}
# Host mode loads each build's own copy of the bundled objects, and libbpf's messages name the
# file: the path is not an outcome.
corpus_dirs = [os.path.join(d, "bpf", "corpus") + "/" for d in (after_dir, before_dir) if d]
def same_paths(v):
    if isinstance(v, str):
        for d in corpus_dirs:
            v = v.replace(d, "<corpus>/")
    return v

def outcome(name):
    r = results(name)
    if not r:
        return None
    out = {}
    for k in r["kernels"]:
        for o in k.get("objects", []):
            out[f"{k['name']}:{o['name']}:error"] = o.get("error", "")
            for p in o["programs"]:
                out[f"{k['name']}:{o['name']}:{p['name']}"] = {f: same_paths(v) for f, v in p.items()
                                                              if f not in VOLATILE}
    return out

def compare(label, a, b):
    if a is None or b is None:
        print(f"  {label}: missing results")
        failures.append(label + ": missing results")
        return
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    n = sum(1 for k in a if not k.endswith(":error"))
    if differ:
        failures.append(label)
        print(f"  {label}: {len(differ)} of {n} differ: " + ", ".join(differ[:8]))
    else:
        print(f"  {label}: identical for all {n} programs")

print()
print("outcome check (verdict, errno, error and counts of every program):")
guest_corpora = ("bundled", "tools") if guest == "1" else ()
if "before" in builds:
    for c in guest_corpora:
        compare(f"{c}: before vs after", outcome(f"{c}-before-1"), outcome(f"{c}-after-1"))
    if matrix == "1":
        compare("matrix: before vs after", outcome("matrix-before-1"), outcome("matrix-after-1"))
    if host == "1":
        compare("host: before vs after", outcome("host-before-1"), outcome("host-after-1"))
for c in guest_corpora:
    for b in builds:
        compare(f"{c}: {b}, profiling agent vs its own", outcome(f"profile-{c}-{b}"), outcome(f"{c}-{b}-1"))
for c in guest_corpora:
    for one, two in (("w1", "w2"), ("c1w1", "c1w2")):
        if one in variants:
            compare(f"{c}: 1 worker vs 2 ({one} vs {two})", outcome(f"{c}-{one}-1"),
                    outcome(f"{c}-{two}-1"))
if isolated == "1":
    for c in guest_corpora:
        compare(f"{c}: after, default vs --isolated-loads", outcome(f"{c}-after-1"), outcome(f"isolated-{c}"))
if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
PY
