# Sourced, not run. Finds the Debian mirror this machine's apt already uses, so scripts never
# carry a mirror host name of their own: prints the first URI whose entry serves the given
# suite (default bookworm) from the main archive, read from deb822 .sources files and from
# one-line sources.list entries.
debian_mirror_uri() {
  local suite=${1:-bookworm} f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    # deb822: stanzas separated by blank lines; keep URIs of stanzas whose Suites has $suite.
    awk -v suite="$suite" '
      function flush() { if (types ~ /(^| )deb( |$)/ && hit && uri != "") { print uri; found = 1; exit } }
      /^[[:space:]]*$/ { flush(); types = ""; uri = ""; hit = 0; next }
      tolower($1) == "types:" { types = ""; for (i = 2; i <= NF; i++) types = types " " $i; types = types " " }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
      END { if (!found) flush() }' "$f"
  done | head -n1 | grep . && return 0
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk -v suite="$suite" '$1 == "deb" { u = $2; s = $3; if ($2 ~ /^\[/) { u = $3; s = $4 }
                                         if (s == suite) { print u; exit } }' "$f"
  done | head -n1 | grep .
}
