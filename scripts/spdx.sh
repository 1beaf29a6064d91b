#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# SPDX licence lines: every source file of the repository names its licence in a comment of
# its own language. vmtest's code is BSD-2-Clause; BPF programs (*.bpf.c), which declare
# "GPL" to the kernel, are GPL-2.0-only OR BSD-2-Clause (see LICENSE and the README).
#   --check  lists the files without the line and exits 1 (the ctest lint.spdx runs this);
#   --fix    adds the line: after a shebang (#!) or an HTML template's <!DOCTYPE> (which must
#            stay first) if there is one, else first. Note: a changed
#            *.bpf.c gives a new object (clang records each source file's MD5 in DWARF 5),
#            so the sha256 the baselines keep for it changes too: re-record after a --fix.
# Data (JSON, logs, fixtures under tests/data and fuzz/corpus, lock files), generated headers
# (vmlinux.h), VERSION (read as one bare line) and the licence texts themselves are skipped.
# A file of a kind this script does not know is reported, not skipped.
# Usage: scripts/spdx.sh --check|--fix [FILES...]   (default: the files git knows)
set -euo pipefail
mode=${1:-}
case "$mode" in --check|--fix) shift ;; *) echo "usage: $0 --check|--fix [FILES...]" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files --cached --others --exclude-standard)
fi
tag=SPDX-License-Identifier

skipped() {
  case "$1" in
    tests/data/*|fuzz/corpus/*|*/vmlinux.h|*.json|*.log|*.bin|*.lock) return 0 ;;
    VERSION|LICENSE|scripts/release/copyright) return 0 ;;
  esac
  return 1
}

licence_of() {
  case "$1" in *.bpf.c) echo "GPL-2.0-only OR BSD-2-Clause" ;; *) echo "BSD-2-Clause" ;; esac
}

# The comment line for a file, or nothing when its kind is unknown.
comment_for() {
  local f=$1 id
  id="$tag: $(licence_of "$f")"
  case "$f" in
    *.c|*.h|*.cpp|*.hpp|*.cc|*.js|*.cjs|*.mjs) echo "// $id" ;;
    *.css) echo "/* $id */" ;;
    *.md) echo "<!-- $id -->" ;;
    *.mustache) echo "{{! $id }}" ;;
    *.sh|*.py|*.yml|*.yaml|*.cmake|*/CMakeLists.txt|CMakeLists.txt|*Makefile|*.gitignore|\
    *.clang-format|*.config|*.sources|*.list|*Dockerfile|*.toml|*.cfg|*.ini) echo "# $id" ;;
    *)
      # No extension: a script with a shebang takes '#' comments.
      if head -c2 "$f" 2>/dev/null | grep -q '^#!'; then echo "# $id"; fi ;;
  esac
}

has_line() { head -n 5 "$1" | grep -q "$tag:"; }

missing=() unknown=() fixed=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  skipped "$f" && continue
  has_line "$f" && continue
  line=$(comment_for "$f")
  if [ -z "$line" ]; then
    unknown+=("$f")
    continue
  fi
  if [ "$mode" = --check ]; then
    missing+=("$f")
    continue
  fi
  tmp=$(mktemp "$f.spdx.XXXXXX")
  if head -n1 "$f" | grep -qiE '^(#!|<!DOCTYPE)'; then
    { head -n1 "$f"; echo "$line"; tail -n +2 "$f"; } >"$tmp"
  else
    { echo "$line"; cat "$f"; } >"$tmp"
  fi
  chmod --reference="$f" "$tmp"
  mv "$tmp" "$f"
  fixed=$((fixed + 1))
done

for f in "${unknown[@]}"; do echo "spdx: $f: no comment syntax known for this kind of file" >&2; done
if [ "$mode" = --check ]; then
  for f in "${missing[@]}"; do echo "spdx: $f: no $tag line" >&2; done
  if [ ${#missing[@]} -gt 0 ] || [ ${#unknown[@]} -gt 0 ]; then
    echo "spdx: ${#missing[@]} file(s) without the line, ${#unknown[@]} of unknown kind; scripts/spdx.sh --fix adds it" >&2
    exit 1
  fi
  echo "spdx: every source file has its $tag line"
  exit 0
fi
echo "spdx: added the line to $fixed file(s)"
[ ${#unknown[@]} -eq 0 ] || exit 1
