#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The .deb on a clean Debian 12: CPack packs this build, a minimal debootstrap root of
# bookworm (no sudo, git or ca-certificates in it) installs it with
# scripts/action/install-deb.sh, which brings every runtime dependency from the Depends, and
# the consumer example then runs there: `vmtest run` on one kernel row, green against its
# committed baselines. One row keeps it lean; the consumer e2e boots them all.
# The root comes from this machine's own mirror (read from its apt sources); a pristine copy
# is kept in $VMTEST_CI_CACHE (default ~/.cache/vmtest-ci) so later runs skip debootstrap.
# Kernels come from the shared kernel cache, bind-mounted. Registered as the ctest e2e.package.
# Usage: scripts/ci/package-selftest.sh [KERNEL (default 6.1)]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(cd "${BUILD_DIR:-$src/build}" && pwd) # absolute: cpack runs elsewhere
kernel=${1:-6.1}
kcache=${VMTEST_CACHE:-$HOME/.cache/vmtest}
work=$(mktemp -d /tmp/vmtest-package.XXXXXX)
root=$work/root
# shellcheck source=scripts/ci/minimal-root.sh
. "$src/scripts/ci/minimal-root.sh"
cleanup() {
  unmount_all
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
fail() { echo "package: FAIL: $*" >&2; exit 1; }
t0=$SECONDS

# 1. The package, from this build (CPack runs the install rules; nothing is rebuilt).
(cd "$work" && cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$work/pkg" >/dev/null)
deb=$(ls "$work"/pkg/vmtest_*.deb)
dpkg-deb --field "$deb" Package Version Depends
dpkg-deb --contents "$deb" | awk '{print $6}' | grep -E 'bin/vmtest$|libexec/vmtest/vmtest-guest$|share/vmtest/kernels/matrix.yaml$' |
  sort | tr '\n' ' '
echo
[ "$(dpkg-deb --contents "$deb" | grep -cE '/usr/bin/vmtest$|/usr/libexec/vmtest/vmtest-guest$|/usr/share/vmtest/kernels/matrix(\.lock\.json|\.yaml)$')" -eq 4 ] ||
  fail "the .deb lacks the binary, the agent or the bundled matrix"
! dpkg-deb --contents "$deb" | grep -q "_tests\|e2e" || fail "test binaries in the package"

# 2. A minimal Debian 12 root (debootstrap --variant=minbase), cached pristine.
make_minimal_root "$root" "$work"
for tool in sudo git; do
  ! chroot "$root" sh -c "command -v $tool" >/dev/null || fail "$tool is in the minimal root"
done
[ ! -e "$root/etc/ssl/certs/ca-certificates.crt" ] || fail "ca-certificates is in the minimal root"
before=$(du -sm --one-file-system "$root" | cut -f1)

mount_in proc "$root/proc" -t proc
mount_in /dev "$root/dev" --rbind
mount_in sysfs "$root/sys" -t sysfs
mount_in "$kcache" "$root/kcache" --bind
cp /etc/resolv.conf "$root/etc/resolv.conf"

# 3. Install the .deb with its dependencies, as the action does in its container.
mkdir -p "$root/tmp/vmtest-install"
cp "$deb" "$root/tmp/vmtest-install/vmtest.deb"
cp "$src/scripts/action/install-deb.sh" "$src/scripts/action/debian-mirror.sh" "$root/tmp/vmtest-install/"
t1=$SECONDS
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  bash /tmp/vmtest-install/install-deb.sh /tmp/vmtest-install/vmtest.deb >"$work/install.log" 2>&1 ||
  { tail -30 "$work/install.log"; fail "installing the .deb"; }
tail -1 "$work/install.log"
after=$(du -sm --one-file-system "$root" | cut -f1)
echo "package: installed with its dependencies in $((SECONDS - t1)) s; root ${before} MB -> ${after} MB"
chroot "$root" dpkg -s qemu-system-x86 bpftool libbpf1 ca-certificates 2>/dev/null |
  awk '/^Package:/ {p = $2} /^Version:/ {print "  " p " " $2}'

# 4. The consumer example in the root: its objects (built here, same bytes as anywhere), then
#    `vmtest run` with only what the package installed.
make -s -C "$src/examples/consumer" OUT="$work/objs" >/dev/null
mkdir -p "$root/root/consumer"
(cd "$src/examples/consumer" && cp -r vmtest.yaml src testrun baselines "$root/root/consumer/")
mkdir -p "$root/root/consumer/build"
cp -r "$work/objs" "$root/root/consumer/build/bpf"
t2=$SECONDS
rc=0
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root CI=true \
  VMTEST_CACHE=/kcache bash -c "cd /root/consumer && vmtest config && vmtest run --kernel $kernel" \
  >"$work/run.log" 2>&1 || rc=$?
cat "$work/run.log"
[ "$rc" -eq 0 ] || fail "vmtest run in the clean root exited $rc"
grep -q "^guest agent:   /usr/libexec/vmtest/vmtest-guest$" "$work/run.log" || fail "agent not from the package"
grep -q "^bundled data:  /usr/share/vmtest$" "$work/run.log" || fail "data not from the package"
echo "package: vmtest run --kernel $kernel in the clean root: exit 0 in $((SECONDS - t2)) s; total $((SECONDS - t0)) s"
