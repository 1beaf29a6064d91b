#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The release tarball on a machine that has nothing of ours: scripts/release/build.sh packs this
# build (tarball, .deb, image context, SHA256SUMS), and the tarball is unpacked under /opt of a
# minimal Debian 12 root (debootstrap minbase, shared with the .deb's e2e through
# minimal-root.sh) where only qemu-system-x86 is installed: no bpftool, busybox, curl,
# yaml-cpp or libarchive (qemu itself brings Debian's libbpf 1.1; the tarball's binaries must
# load their own). The consumer example then runs there as the action runs it
# (scripts/action/run.sh per row, gate.sh): two Debian rows boot, with the tarball's own bpftool
# probing each guest, and the gate is green against the example's committed baselines.
# Kernels come from the shared kernel cache, bind-mounted. Registered as the ctest e2e.release.
# Usage: scripts/ci/release-selftest.sh [ROW ROW (default: 5.10 6.1)]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(cd "${BUILD_DIR:-$src/build}" && pwd)
rows=("${@:-5.10}")
[ $# -ge 2 ] || rows=(5.10 6.1)
kcache=${VMTEST_CACHE:-$HOME/.cache/vmtest}
work=$(mktemp -d /tmp/vmtest-release.XXXXXX)
root=$work/root
# shellcheck source=scripts/ci/minimal-root.sh
. "$src/scripts/ci/minimal-root.sh"
cleanup() {
  unmount_all
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
fail() { echo "release: FAIL: $*" >&2; exit 1; }
t0=$SECONDS

# 1. The release, from this build (nothing is recompiled).
VMTEST_RELEASE_BUILD_DIR=$BUILD_DIR bash "$src/scripts/release/build.sh" "$work/dist" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "scripts/release/build.sh"; }
cat "$work/build.log"
version=$(head -n1 "$src/VERSION")
name=vmtest-$version-x86_64-linux
(cd "$work/dist" && sha256sum -c SHA256SUMS) || fail "SHA256SUMS does not match"
for f in "$name.tar.gz" "vmtest_${version}_amd64.deb" image/Dockerfile image/vmtest.tar.gz RELEASE-NOTES.md; do
  [ -s "$work/dist/$f" ] || fail "the release lacks $f"
done
tar -tzf "$work/dist/$name.tar.gz" >"$work/contents"
for f in bin/vmtest libexec/vmtest/vmtest-guest libexec/vmtest/bpftool libexec/vmtest/busybox \
         share/vmtest/kernels/matrix.yaml share/doc/vmtest/copyright share/doc/vmtest/LICENSE \
         share/doc/vmtest/BUILT-WITH; do
  grep -qx "$name/$f" "$work/contents" || fail "the tarball lacks $f"
done
grep -q "^$name/lib/vmtest/libbpf.so" "$work/contents" || fail "the tarball does not bundle libbpf"
# A build that has the aarch64 agent ships it, so arm64 rows boot from the release.
if [ -x "$BUILD_DIR/harness/aarch64/vmtest-guest" ]; then
  grep -qx "$name/libexec/vmtest/aarch64/vmtest-guest" "$work/contents" ||
    fail "the tarball lacks libexec/vmtest/aarch64/vmtest-guest although the build has it"
fi
dpkg-deb --contents "$work/dist/vmtest_${version}_amd64.deb" >"$work/deb-contents"
grep -q '/usr/share/doc/vmtest/copyright$' "$work/deb-contents" || fail "the .deb has no copyright file"

# 2. A minimal Debian 12 root with qemu only.
make_minimal_root "$root" "$work"
mount_in proc "$root/proc" -t proc
mount_in /dev "$root/dev" --rbind
mount_in sysfs "$root/sys" -t sysfs
mount_in "$kcache" "$root/kcache" --bind
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" /usr/bin/env -i PATH=/opt/vmtest/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
t1=$SECONDS
in_root bash -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q &&
                 apt-get install -y -q --no-install-recommends qemu-system-x86' >"$work/apt.log" 2>&1 ||
  { tail -20 "$work/apt.log"; fail "installing qemu-system-x86 in the root"; }
echo "release: qemu-system-x86 installed in the root in $((SECONDS - t1)) s"
for pkg in bpftool busybox busybox-static curl libcurl4 libyaml-cpp0.7 libarchive13; do
  ! in_root dpkg -s "$pkg" >/dev/null 2>&1 || fail "$pkg is in the root: it would hide a missing bundle"
done
tar -xzf "$work/dist/$name.tar.gz" -C "$root/opt"
ln -s "$name" "$root/opt/vmtest"
# Debian's qemu-system-x86 depends on libbpf1 (1.1, for virtio-net's eBPF steering), so the
# root has one: the tarball's own (1.4) must be the one its binaries load.
in_root ldd /opt/vmtest/bin/vmtest /opt/vmtest/libexec/vmtest/bpftool >"$work/ldd.txt"
grep -E 'lib(bpf|elf|curl|yaml-cpp|archive)' "$work/ldd.txt" | grep -v "=> /opt/vmtest/.*lib/vmtest/" &&
  fail "a library comes from the root, not the tarball (above)"
! grep -q "not found" "$work/ldd.txt" || { cat "$work/ldd.txt"; fail "a library is missing"; }
in_root vmtest --version | tee "$work/version.txt"
grep -qx "vmtest $version" <(head -n1 "$work/version.txt") || fail "vmtest --version is not $version"
grep -q "^bpftool .*(/opt/$name/libexec/vmtest/bpftool" "$work/version.txt" ||
  fail "the tarball's bpftool is not the one in use"

# 3. The consumer example, as the action runs it, in the root.
make -s -C "$src/examples/consumer" OUT="$work/objs" >/dev/null
mkdir -p "$root/root/consumer/build" "$root/root/action"
(cd "$src/examples/consumer" && cp -r vmtest.yaml src testrun baselines "$root/root/consumer/")
cp -r "$work/objs" "$root/root/consumer/build/bpf"
cp "$src"/scripts/action/{run,gate}.sh "$root/root/action/"
gate_rows=()
for k in "${rows[@]}"; do
  t=$SECONDS
  in_root CI=true VMTEST_CACHE=/kcache bash -c "cd /root/consumer && bash /root/action/run.sh $k vmtest-results/$k-1of1" \
    >"$work/run-$k.log" 2>&1 || { cat "$work/run-$k.log"; fail "row $k: run.sh in the clean root"; }
  tail -3 "$work/run-$k.log"
  python3 - "$root/root/consumer/vmtest-results/$k-1of1/results.json" "$k" <<'PY' || fail "row $k: no capability probe"
import json, sys
k = json.load(open(sys.argv[1]))["kernels"][0]
assert k["status"] == "ok", k.get("error")
assert k.get("capabilities"), "the guest ran no bpftool probe: " + str(k.get("capabilities_error", ""))
PY
  echo "release: row $k: exit 0, probed by the tarball's bpftool, in $((SECONDS - t)) s"
  gate_rows+=(--kernel "$k")
done
in_root CI=true bash -c "cd /root/consumer && bash /root/action/gate.sh vmtest-results vmtest-report ${gate_rows[*]}" \
  >"$work/gate.log" 2>&1 || { cat "$work/gate.log"; fail "the gate is not green in the clean root"; }
tail -2 "$work/gate.log"
echo "release: the tarball in a root with only qemu: ${rows[*]} green; total $((SECONDS - t0)) s"
