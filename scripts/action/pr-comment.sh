#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Posts the gate's markdown summary as one sticky pull-request comment, updated in place on
# every run (found by a marker line). Never fails the job: on a fork's pull request, or with a
# token that may not write, it says so and the step summary remains the report.
# Usage: scripts/action/pr-comment.sh SUMMARY_MD
# Env:   GH_TOKEN, GITHUB_REPOSITORY, PR_NUMBER (empty: not a pull request), HEAD_REPOSITORY
set -uo pipefail
summary=$1
marker='<!-- vmtest:sticky-summary -->'
note() { echo "::notice title=vmtest::$1"; exit 0; }

[ -n "${PR_NUMBER:-}" ] || note "not a pull request: the summary is in the step summary only"
[ -s "$summary" ] || note "no summary was written (the gate did not run): no PR comment"
if [ -n "${HEAD_REPOSITORY:-}" ] && [ "$HEAD_REPOSITORY" != "$GITHUB_REPOSITORY" ]; then
  note "pull request from a fork: its token may not comment; see the step summary"
fi
command -v gh >/dev/null || note "no gh CLI on this runner: no PR comment"

# GitHub caps a comment at 65536 characters; the full report is in the artifacts anyway.
body=$(printf '%s\n' "$marker"; head -c 60000 "$summary")
[ "$(wc -c <"$summary")" -gt 60000 ] && body+=$'\n\n_(truncated: the full summary is in the vmtest-report artifact)_'

api="repos/$GITHUB_REPOSITORY/issues"
if ! ids=$(gh api "$api/$PR_NUMBER/comments" --paginate \
             --jq ".[] | select(.body | startswith(\"$marker\")) | .id"); then
  note "cannot read the pull request's comments with this token; see the step summary"
fi
id=$(printf '%s\n' "$ids" | head -n1)
if [ -n "$id" ]; then
  gh api -X PATCH "$api/comments/$id" -f body="$body" >/dev/null ||
    note "cannot update comment $id with this token; see the step summary"
  echo "vmtest: updated the summary comment ($id) on #$PR_NUMBER"
else
  gh api -X POST "$api/$PR_NUMBER/comments" -f body="$body" >/dev/null ||
    note "cannot comment with this token (fork or read-only); see the step summary"
  echo "vmtest: posted the summary comment on #$PR_NUMBER"
fi
