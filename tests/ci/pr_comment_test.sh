#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/action/pr-comment.sh against a fake `gh` that records each call: it posts one comment,
# updates that same comment on the next run, and never fails the job when the token may not
# write (a fork's pull request) or when there is no pull request at all.
set -euo pipefail
script=$(cd "$(dirname "$0")/../.." && pwd)/scripts/action/pr-comment.sh
work=$(mktemp -d /tmp/vmtest-pr-comment.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
# The fake: GET lists the comments stored in $work/comments (one "id body" per line),
# POST appends one, PATCH replaces one; FAIL=1 makes every call fail like a read-only token.
cat >"$work/bin/gh" <<'FAKE'
#!/usr/bin/env bash
echo "$*" >>"$WORK/calls"
[ "${FAIL:-0}" = 1 ] && { echo "HTTP 403: Resource not accessible by integration" >&2; exit 1; }
method=GET body=""
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method=$2; shift ;;
    -f) body=${2#body=}; shift ;;
    repos/*) path=$1 ;;
  esac
  shift
done
case "$method" in
  GET) touch "$WORK/comments"
       while read -r id first _; do
         [ "$first" = "<!--" ] && echo "$id"
       done <"$WORK/comments" ;;
  POST) echo "$(( $(wc -l <"$WORK/comments" 2>/dev/null || echo 0) + 100 )) $(echo "$body" | head -n1)" >>"$WORK/comments"
        echo "$body" >"$WORK/last-body" ;;
  PATCH) echo "$path" >"$WORK/patched"; echo "$body" >"$WORK/last-body" ;;
esac
FAKE
chmod +x "$work/bin/gh"
export PATH="$work/bin:$PATH" WORK="$work" GITHUB_REPOSITORY=org/repo PR_NUMBER=7 GH_TOKEN=x
printf '### vmtest: clean\n| kernel | verdict |\n' >"$work/summary.md"
fail() { echo "FAIL: $*" >&2; exit 1; }

# First run: no comment yet, one is posted, with the marker and the summary.
"$script" "$work/summary.md" >"$work/out1"
grep -q "posted the summary comment on #7" "$work/out1" || fail "no post: $(cat "$work/out1")"
head -n1 "$work/last-body" | grep -qx '<!-- vmtest:sticky-summary -->' || fail "no marker"
grep -q '### vmtest: clean' "$work/last-body" || fail "summary missing from the body"
[ "$(wc -l <"$work/comments")" -eq 1 ] || fail "expected one comment"

# Second run: the same comment is updated in place, none added.
"$script" "$work/summary.md" >"$work/out2"
grep -q "updated the summary comment (100)" "$work/out2" || fail "no update: $(cat "$work/out2")"
grep -qx "repos/org/repo/issues/comments/100" "$work/patched" || fail "patched the wrong comment"
[ "$(wc -l <"$work/comments")" -eq 1 ] || fail "a second comment was added"

# A token that may not write: a notice, exit 0.
FAIL=1 "$script" "$work/summary.md" >"$work/out3" || fail "failed the job on a read-only token"
grep -q "::notice" "$work/out3" || fail "no notice on a read-only token"

# A fork's pull request: not even tried.
calls=$(wc -l <"$work/calls")
HEAD_REPOSITORY=someone/fork "$script" "$work/summary.md" >"$work/out4" || fail "failed on a fork"
grep -q "fork" "$work/out4" || fail "fork not named"
[ "$(wc -l <"$work/calls")" -eq "$calls" ] || fail "called gh for a fork"

# Not a pull request, or no summary: a notice, exit 0.
PR_NUMBER="" "$script" "$work/summary.md" | grep -q "not a pull request" || fail "push event"
"$script" "$work/missing.md" | grep -q "no summary" || fail "missing summary"
echo "pr-comment: posts once, updates in place, never fails on forks or read-only tokens"
