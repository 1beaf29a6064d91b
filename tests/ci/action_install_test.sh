#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The action's install step (scripts/action/install.sh) against a release served on loopback,
# with a stand-in tarball (the real one is the release e2e's): the tag installs the tarball and
# puts its bin/ on the PATH; a branch or `uses: ./` builds from source and says so; a commit is
# matched by the COMMIT the tarball records; a tarball that does not match SHA256SUMS is an
# error, never run.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
version=$(head -n1 "$src/VERSION")
name=vmtest-$version-x86_64-linux
t=$(mktemp -d)
server=""
cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$t"; }
trap cleanup EXIT
fail() { echo "action_install_test: FAIL: $*" >&2; cat "$t/log" >&2 2>/dev/null || true; exit 1; }

commit=0123456789abcdef0123456789abcdef01234567
mkdir -p "$t/stage/$name/bin" "$t/stage/$name/share/vmtest" "$t/srv/v$version"
printf '#!/bin/sh\necho "vmtest %s"\n' "$version" >"$t/stage/$name/bin/vmtest"
chmod +x "$t/stage/$name/bin/vmtest"
echo "$commit" >"$t/stage/$name/share/vmtest/COMMIT"
tar -C "$t/stage" -czf "$t/srv/v$version/$name.tar.gz" "$name"
(cd "$t/srv/v$version" && sha256sum "$name.tar.gz" >SHA256SUMS)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$t/srv" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/v$version/SHA256SUMS" 2>/dev/null && break
  sleep 0.1
done

install() {
  rm -rf "$t/tmp" && mkdir -p "$t/tmp" && : >"$t/out" && : >"$t/path"
  ACTION_PATH=$src ACTION_REF=$1 ACTION_REPOSITORY=vmtest/vmtest INSTALL=release \
    RELEASE_URL=http://127.0.0.1:$port RUNNER_TEMP=$t/tmp GITHUB_OUTPUT=$t/out \
    GITHUB_PATH=$t/path bash "$src/scripts/action/install.sh" >"$t/log" 2>&1
}
how() { sed -n 's/^how=//p' "$t/out"; }

install "v$version" || fail "the release tag did not install"
[ "$(how)" = release ] || fail "tag: how=$(how)"
[ "$("$(cat "$t/path")/vmtest" --version)" = "vmtest $version" ] || fail "GITHUB_PATH does not hold the tarball's bin/"
# The later steps run vmtest through exec.sh: on the runner itself for a release.
[ "$(PATH="$(cat "$t/path"):$PATH" bash "$src/scripts/action/exec.sh" release "$t/tmp/pkg" vmtest --version)" = \
  "vmtest $version" ] || fail "exec.sh does not run the release's vmtest on the runner"

install main || fail "a branch failed"
[ "$(how)" = source ] || fail "branch: how=$(how)"
grep -q "::notice.*no vmtest release matches the action's ref 'main'" "$t/log" || fail "no notice for a source build"
install "" && [ "$(how)" = source ] || fail "uses: ./ is not a source build"

install "$commit" && [ "$(how)" = release ] || fail "the release's own commit did not install it"
install fedcba9876543210fedcba9876543210fedcba98 && [ "$(how)" = source ] ||
  fail "another commit was given the release"

echo tampered >>"$t/srv/v$version/$name.tar.gz"
! install "v$version" || fail "a tarball that does not match SHA256SUMS was accepted"
grep -q "::error::$name.tar.gz does not match" "$t/log" || fail "the mismatch is not named"
[ -z "$(how)" ] || fail "a mismatched tarball still reported how=$(how)"
echo "action_install_test: tag -> release, branch/./ -> source, commit by COMMIT, tampered -> error"
