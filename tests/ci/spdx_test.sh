#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/spdx.sh on a scratch tree: --check fails naming the files without the line and a
# file of unknown kind; --fix adds each language's comment (after a shebang, after a
# template's DOCTYPE), leaves data alone, and is idempotent; --check then passes.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$t" "$log"' EXIT
fail() { echo "spdx_test: FAIL: $*" >&2; exit 1; }
mkdir -p "$t/scripts" "$t/src" "$t/tests/data" "$t/tpl"
cp "$src/scripts/spdx.sh" "$t/scripts/"
printf '#!/bin/sh\necho hi\n' >"$t/run.sh"
printf 'int main() {}\n' >"$t/src/a.cpp"
printf 'SEC("xdp") int x(void* c) { return 2; }\n' >"$t/src/x.bpf.c"
printf 'name: x\n' >"$t/w.yml"
printf '# Title\n' >"$t/doc.md"
printf '<!DOCTYPE html>\n<p>{{x}}</p>\n' >"$t/tpl/page.html.mustache"
printf '{"a": 1}\n' >"$t/data.json"
printf 'fixture\n' >"$t/tests/data/f.yaml"
printf '1.2.3\n' >"$t/VERSION"
printf 'blob\n' >"$t/odd.xyz"
cd "$t"
git init -q && git add -A

rc=0
bash scripts/spdx.sh --check >"$log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "--check passed on files without the line"
for f in run.sh src/a.cpp src/x.bpf.c w.yml doc.md; do
  grep -q "^spdx: $f: no SPDX" "$log" || { cat "$log"; fail "--check does not name $f"; }
done
grep -q "odd.xyz: no comment syntax known" "$log" || fail "an unknown kind is not reported"
! grep -qE "data.json|tests/data|VERSION" "$log" || fail "data files were asked for the line"

rm odd.xyz && git add -A
bash scripts/spdx.sh --fix >/dev/null
[ "$(sed -n 1p run.sh)" = "#!/bin/sh" ] || fail "the shebang is no longer first"
[ "$(sed -n 2p run.sh)" = "# SPDX-License-Identifier: BSD-2-Clause" ] || fail "shell line: $(sed -n 2p run.sh)"
[ "$(sed -n 1p src/a.cpp)" = "// SPDX-License-Identifier: BSD-2-Clause" ] || fail "C++ line"
[ "$(sed -n 1p src/x.bpf.c)" = "// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause" ] || fail "BPF C line"
[ "$(sed -n 1p w.yml)" = "# SPDX-License-Identifier: BSD-2-Clause" ] || fail "yaml line"
[ "$(sed -n 1p doc.md)" = "<!-- SPDX-License-Identifier: BSD-2-Clause -->" ] || fail "markdown line"
[ "$(sed -n 1p tpl/page.html.mustache)" = "<!DOCTYPE html>" ] || fail "the DOCTYPE is no longer first"
[ "$(cat data.json)" = '{"a": 1}' ] && [ "$(cat VERSION)" = 1.2.3 ] || fail "data was changed"
before=$(cat run.sh src/a.cpp | sha256sum)
bash scripts/spdx.sh --fix >/dev/null
[ "$(cat run.sh src/a.cpp | sha256sum)" = "$before" ] || fail "--fix is not idempotent"
bash scripts/spdx.sh --check >"$log" 2>&1 || { cat "$log"; fail "--check fails after --fix"; }
echo "spdx_test: --check names what lacks the line; --fix adds it per language, once"
