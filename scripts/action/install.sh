#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The action's install step: decides how this job gets vmtest, and gets it.
#   release    the tarball of the action's own version, checked against the release's
#              SHA256SUMS, unpacked under $RUNNER_TEMP and run on the runner (no container);
#   container  the same release's .deb (or the one given as vmtest-deb), installed in a
#              Debian 12 container for each step (scripts/action/docker.sh);
#   source     no release matches the action's ref (a branch, an untagged commit, `uses: ./`):
#              vmtest is built from the action's source into a .deb (cached by its hash) and
#              run in the container. Said with a notice, since it takes minutes.
# A ref matches a release when it is the tag v<VERSION>, or a commit the release was built
# from (the tarball records it in share/vmtest/COMMIT).
# Writes `how` (release|container|source), `prefix` (release) and `pkg` (the .deb's folder)
# to $GITHUB_OUTPUT, and the tarball's bin/ to $GITHUB_PATH.
# Env: ACTION_PATH, ACTION_REF (github.action_ref), ACTION_REPOSITORY, INSTALL (release|
#      container), VMTEST_DEB, RELEASE_URL (default: the repository's GitHub releases),
#      RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH
set -euo pipefail
version=$(head -n1 "$ACTION_PATH/VERSION")
tag=v$version
ref=${ACTION_REF:-}
install=${INSTALL:-release}
tmp=${RUNNER_TEMP:?}/vmtest-install
mkdir -p "$tmp"
out() { echo "$1=$2" >>"$GITHUB_OUTPUT"; }
out pkg "$tmp/pkg"
case "$install" in release|container) ;; *)
  echo "::error::install must be release or container, not '$install'"; exit 2 ;;
esac

if [ -n "${VMTEST_DEB:-}" ]; then
  mkdir -p "$tmp/pkg" && cp "$VMTEST_DEB" "$tmp/pkg/vmtest.deb"
  echo "vmtest: the given package $VMTEST_DEB, in a Debian 12 container"
  out how container
  exit 0
fi

# Does the ref name a release? A tag is checked by name; a commit by what the release says.
candidate=""
if [ "$ref" = "$tag" ]; then
  candidate=tag
elif [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
  candidate=commit
fi
base=${RELEASE_URL:-https://github.com/${ACTION_REPOSITORY:-vmtest/vmtest}/releases/download}
base=${base%/}/$tag
name=vmtest-$version-x86_64-linux
fetch() { curl -fsSL --retry 3 --connect-timeout 10 -o "$2" "$base/$1"; }

source_build() {
  echo "::notice title=vmtest::no vmtest release matches the action's ref '${ref:-(local: uses: ./)}' ($1): building vmtest $version from the action's source (several minutes on a cache miss)"
  out how source
}

if [ -z "$candidate" ]; then
  source_build "not the tag $tag nor a commit"
  exit 0
fi
if ! fetch SHA256SUMS "$tmp/SHA256SUMS" 2>"$tmp/err"; then
  source_build "$base/SHA256SUMS: $(tr -d '\n' <"$tmp/err")"
  exit 0
fi

if [ "$install" = container ]; then
  deb=vmtest_${version}_amd64.deb
  fetch "$deb" "$tmp/$deb" || { source_build "no $deb in release $tag"; exit 0; }
  (cd "$tmp" && grep " $deb\$" SHA256SUMS | sha256sum -c --quiet -) ||
    { echo "::error::$deb does not match the release's SHA256SUMS"; exit 2; }
  mkdir -p "$tmp/pkg" && mv "$tmp/$deb" "$tmp/pkg/vmtest.deb"
  echo "vmtest: release $tag's .deb, in a Debian 12 container"
  out how container
  exit 0
fi

fetch "$name.tar.gz" "$tmp/$name.tar.gz" || { source_build "no $name.tar.gz in release $tag"; exit 0; }
# A tarball that does not match the published sum is an error, never a reason to go on.
(cd "$tmp" && grep " $name.tar.gz\$" SHA256SUMS | sha256sum -c --quiet -) ||
  { echo "::error::$name.tar.gz does not match the release's SHA256SUMS"; exit 2; }
rm -rf "${tmp:?}/${name:?}"
tar -xzf "$tmp/$name.tar.gz" -C "$tmp"
if [ "$candidate" = commit ]; then
  built_from=$(cat "$tmp/$name/share/vmtest/COMMIT" 2>/dev/null || true)
  if [ "$built_from" != "$ref" ]; then
    source_build "release $tag was built from ${built_from:-an unrecorded commit}"
    exit 0
  fi
fi
echo "$tmp/$name/bin" >>"$GITHUB_PATH"
out prefix "$tmp/$name"
out how release
"$tmp/$name/bin/vmtest" --version
