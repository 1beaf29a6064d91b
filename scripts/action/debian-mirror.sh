#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Prints the Debian mirror URI this machine's apt already uses for SUITE (default bookworm),
# from deb822 .sources files or one-line sources.list entries, so no script carries a mirror
# host of its own. Exits 1 when no entry serves the suite. install-deps.sh, the action's
# install-deb.sh and bench/qemu-chroot.sh all ask it.
# Usage: scripts/action/debian-mirror.sh [SUITE] [APT_ETC_DIR (default /etc/apt)]
set -euo pipefail
suite=${1:-bookworm} etc=${2:-/etc/apt}
{
  for f in "$etc"/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk -v suite="$suite" '
      # Only binary stanzas ("Types: deb", not deb-src alone) serve packages.
      function flush() { if (types ~ / deb / && hit && uri != "") { print uri; exit } hit = 0; uri = ""; types = "" }
      /^[[:space:]]*$/ { flush(); next }
      tolower($1) == "types:" { types = " "; for (i = 2; i <= NF; i++) types = types $i " " }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
      END { flush() }' "$f"
  done
  for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk -v suite="$suite" '$1 == "deb" { u = $2; s = $3; if ($2 ~ /^\[/) { u = $3; s = $4 }
                                         if (s == suite) { print u; exit } }' "$f"
  done
} | head -n1 | grep .
