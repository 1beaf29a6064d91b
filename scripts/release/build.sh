#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds every release artifact from a source tree, offline but for the package mirror:
#   OUT/vmtest-VERSION-x86_64-linux.tar.gz  self-contained: bin/vmtest, libexec/vmtest/
#                                           (vmtest-guest, bpftool, busybox, and
#                                           aarch64/vmtest-guest for arm64 rows), lib/vmtest/ (the
#                                           shared libraries, found through an $ORIGIN rpath),
#                                           share/vmtest/ and share/doc/vmtest/ (licences)
#   OUT/vmtest_VERSION_amd64.deb            for Debian 12 (bookworm)
#   OUT/image/                              the container image's build context (Dockerfile +
#                                           the tarball): docker build OUT/image
#   OUT/RELEASE-NOTES.md                    VERSION's section of CHANGELOG.md
#   OUT/SHA256SUMS                          over the tarball and the .deb (and the sources)
# The version is VERSION's; with a tag (TAG=vX.Y.Z, as the release workflow sets it) the two
# must agree. Needs the build dependencies (scripts/install-deps.sh, patchelf among them).
# Run by .github/workflows/release.yml, by a developer, and by the release e2e test (which
# passes its own build as VMTEST_RELEASE_BUILD_DIR to skip the compile).
# Usage: scripts/release/build.sh [OUT_DIR (default: dist)]
# Env:   VMTEST_RELEASE_BUILD_DIR  reuse this configured build tree instead of configuring one
#        VMTEST_RELEASE_SOURCES=1  also download the Debian source packages of what the
#                                  binaries contain (GPL section 3a) into one tar; needs deb-src
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
here=$src/scripts/release
t0=$SECONDS
say() { echo "release: $*"; }
die() { echo "release: error: $*" >&2; exit 2; }

version=$("$here/check-version.sh" "${TAG:-}")
"$here/notes.sh" "$version" >"$out/RELEASE-NOTES.md" ||
  die "CHANGELOG.md has no section for $version"
say "vmtest $version"
command -v patchelf >/dev/null || die "patchelf is not installed (scripts/install-deps.sh)"

# 1. Build (or reuse a build). Release flags: -O2, no tests; the install strips.
build=${VMTEST_RELEASE_BUILD_DIR:-$out/build}
if [ -z "${VMTEST_RELEASE_BUILD_DIR:-}" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVMTEST_BUILD_TESTS=OFF \
    ${VMTEST_RELEASE_CMAKE_ARGS:-} >/dev/null
fi
build=$(cd "$build" && pwd)
# The aarch64 agent too when the build has it (the cross compiler is installed): arm64 rows
# then boot from the release as they do from a build tree.
targets="vmtest vmtest-guest"
ninja -C "$build" -t targets all | grep -q '^vmtest-guest-aarch64:' && targets="$targets vmtest-guest-aarch64"
# shellcheck disable=SC2086 # one word per target
ninja -C "$build" $targets >/dev/null
say "built in $build ($((SECONDS - t0)) s)"

# 2. The tarball's tree.
name=vmtest-$version-x86_64-linux
stage=$out/stage
rm -rf "$stage"
root=$stage/$name
cmake --install "$build" --prefix "$root" --strip >/dev/null
rm -rf "$root/include" "$root/lib/cmake" 2>/dev/null || true
# The commit it was built from: the action matches a commit pin to this release by it.
git -C "$src" rev-parse HEAD >"$root/share/vmtest/COMMIT" 2>/dev/null || rm -f "$root/share/vmtest/COMMIT"
libdir=$root/lib/vmtest
mkdir -p "$libdir" "$root/libexec/vmtest"

# Shared libraries a binary needs from outside glibc (glibc, its loader and its split-off
# libraries are the host's own: mixing two glibcs in one process does not work).
bundle_libs() {
  ldd "$1" | awk '/=> \// {print $3}' | while read -r lib; do
    pkg=""
    # dpkg knows a file by the path its package ships (/lib or /usr/lib on a merged /usr).
    for p in "$lib" "$(realpath "$lib")" "/usr$lib" "${lib#/usr}"; do
      pkg=$(dpkg -S "$p" 2>/dev/null | head -n1 | cut -d: -f1) && [ -n "$pkg" ] && break
    done
    case "$pkg" in libc6) continue ;; esac
    base=$(basename "$lib")
    [ -e "$libdir/$base" ] && continue
    cp -L "$lib" "$libdir/$base"
    chmod 0644 "$libdir/$base"
    # Their own dependencies are found beside them, whatever the host's search path.
    patchelf --force-rpath --set-rpath '$ORIGIN' "$libdir/$base"
    echo "$base ${pkg:-unknown}" >>"$stage/libs.txt"
  done
}
: >"$stage/libs.txt"
bundle_libs "$root/bin/vmtest"
# DT_RPATH, not RUNPATH: it also applies to the libraries' own dependencies.
patchelf --force-rpath --set-rpath '$ORIGIN/../lib/vmtest' "$root/bin/vmtest"

# bpftool for the guests' capability probe: Debian's, with its libraries in lib/vmtest, which
# vmtest also copies into each guest next to it (image/guest_image.cpp).
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
[ -x "$bpftool" ] || die "no bpftool to bundle (scripts/install-deps.sh installs it)"
cp -L "$bpftool" "$root/libexec/vmtest/bpftool"
bundle_libs "$root/libexec/vmtest/bpftool"
patchelf --force-rpath --set-rpath '$ORIGIN/../../lib/vmtest' "$root/libexec/vmtest/bpftool"
# busybox-static: a shell and tools for floor images (`vmtest image --file`, bench/).
busybox=/bin/busybox
[ -f "$busybox" ] && [ "$(readelf -l "$busybox" | grep -c INTERP)" -eq 0 ] ||
  die "$busybox is not busybox-static's static binary"
cp -L "$busybox" "$root/libexec/vmtest/busybox"

# The newest glibc symbol version anything here needs: the one requirement on the host.
glibc=$(for f in "$root/bin/vmtest" "$root/libexec/vmtest/bpftool" "$libdir"/*; do
          objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*'
        done | sort -uV | tail -n1 | sed 's/GLIBC_//')

# 3. Licences and provenance: the project's, and every Debian package a shipped file has code
#    from (the static agent's libraries included), with exact versions.
doc=$root/share/doc/vmtest
mkdir -p "$doc/third-party" "$doc/licenses"
cp "$src/LICENSE" "$src/CHANGELOG.md" "$doc/"
cp "$src/scripts/release/copyright" "$doc/copyright"
cp /usr/share/common-licenses/GPL-2 "$doc/licenses/GPL-2"
# The build machine's own architecture of a package (arm64 copies may be installed too).
native() { case "$1" in *:*) echo "$1" ;; *) echo "$1:$(dpkg --print-architecture)" ;; esac; }
static_pkgs="libbpf-dev libelf-dev zlib1g-dev libc6-dev libstdc++-12-dev libgcc-12-dev"
pkgs=$( { awk '{print $2}' "$stage/libs.txt"; echo "$static_pkgs";
          dpkg -S "$(realpath "$bpftool")" | cut -d: -f1; echo busybox-static; } |
        tr ' ' '\n' | grep -v '^unknown$' | grep . | sort -u)
{
  echo "vmtest $version, built $(date -u +%Y-%m-%d) on $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "Needs on the host: Linux x86_64, glibc >= $glibc, qemu-system-x86_64 on PATH."
  echo
  echo "Debian packages whose code is in this release (binary package, version, source package):"
  for p in $pkgs; do
    dpkg-query -W -f='  ${Package} ${Version} (source: ${source:Package} ${source:Version})\n' "$(native "$p")"
  done
  echo
  echo "libexec/vmtest/vmtest-guest links statically: $static_pkgs (libraries)."
  echo "lib/vmtest/ holds (file, package):"
  sed 's/^/  /' "$stage/libs.txt"
} >"$doc/BUILT-WITH"
for p in $pkgs; do
  bin=$(dpkg-query -W -f='${Package}' "$(native "$p")")
  for c in "/usr/share/doc/$bin/copyright" "/usr/share/doc/${bin%-dev}/copyright"; do
    if [ -f "$c" ]; then mkdir -p "$doc/third-party/$bin" && cp "$c" "$doc/third-party/$bin/"; break; fi
  done
done

# 4. The tarball: reproducible order, owners and times.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}
tarball=$out/$name.tar.gz
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$stage" -cf - "$name" | gzip -n9 >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"
say "tarball $(basename "$tarball"): $(du -h "$tarball" | cut -f1), needs glibc >= $glibc"

# 5. The .deb (bookworm): CPack over the same build, prefix /usr, Debian's own libraries.
rm -f "$out"/vmtest_*.deb
(cd "$out" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out/cpack" >/dev/null)
deb=$(ls "$out"/cpack/vmtest_*.deb)
mv "$deb" "$out/"
rm -rf "$out/cpack"
deb=$out/$(basename "$deb")
# (Counted, not grep -q: an early exit would break dpkg-deb's pipe under pipefail.)
[ "$(dpkg-deb --contents "$deb" | grep -c '/usr/share/doc/vmtest/copyright$')" -eq 1 ] ||
  die "the .deb has no copyright file"
say ".deb $(basename "$deb"): $(du -h "$deb" | cut -f1)"

# 6. The container image's context: the Dockerfile and the tarball.
rm -rf "$out/image"
mkdir -p "$out/image"
cp "$src/Dockerfile" "$out/image/Dockerfile"
cp "$tarball" "$out/image/vmtest.tar.gz"

# 7. Optionally, the Debian sources of what the binaries contain.
sums=("$(basename "$tarball")" "$(basename "$deb")")
if [ "${VMTEST_RELEASE_SOURCES:-0}" = 1 ]; then
  srcdir=$out/third-party-sources
  rm -rf "$srcdir" && mkdir -p "$srcdir"
  srcpkgs=$(for p in $pkgs; do dpkg-query -W -f='${source:Package}=${source:Version}\n' "$(native "$p")"; done | sort -u)
  # shellcheck disable=SC2086 # one word per package
  (cd "$srcdir" && apt-get source --download-only -q $srcpkgs >/dev/null)
  tar -C "$out" -cf "$out/$name-third-party-sources.tar" third-party-sources
  rm -rf "$srcdir"
  sums+=("$name-third-party-sources.tar")
fi

# 8. Checksums over everything published.
(cd "$out" && sha256sum "${sums[@]}" >SHA256SUMS)
rm -rf "$stage"
say "wrote $out: ${sums[*]} SHA256SUMS RELEASE-NOTES.md image/ in $((SECONDS - t0)) s"
