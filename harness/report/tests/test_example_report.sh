#!/usr/bin/env bash
# test-timeout: 30
# The committed example report (make example-report regenerates it from a real quick run):
# every workload whose verdict is not `equivalent`, the decided one among them, has its
# profile in "Where the difference comes from": the function table, the call chains and the
# differential flame graph, which lies beside the report and is valid SVG.
source "$(dirname "$0")/../../testing/lib.sh"
report=reports/examples/ab-baseline-vs-fastpath.md
check "the example report exists" test -s "$report"
verdicts() { sed -n '/^## Results$/,/^## /p' "$report" | grep -E '^\| [a-z]' | awk -F'|' '{gsub(/[ *\\]/, "", $2); gsub(/[ *]/, "", $9); print $2, $9}'; }
verdicts
profiled=0
while read -r w verdict; do
  [ "$verdict" = equivalent ] && continue
  profiled=$((profiled + 1))
  head="### $(printf '%s' "$w" | sed 's/_/\\_/g'): where the time goes"
  part() { awk -v h="$head" '$0 == h { on = 1; next } on && /^##/ { exit } on' "$report"; }
  check "$w ($verdict): a where-the-time-goes section" grep -qxF "$head" "$report"
  table() { part | grep -q '^| Function | Self A | Self B | Change |'; }
  check "$w: the function table" table
  chains() { part | grep -qE '^1\. .* → '; }
  check "$w: the call chains" chains
  svg=reports/examples/ab-baseline-vs-fastpath-flame-$w.svg
  check "$w: the flame graph is linked" grep -qF "](ab-baseline-vs-fastpath-flame-$w.svg)" "$report"
  check "$w: the flame graph is valid SVG" python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$svg"
done < <(verdicts)
check "at least one workload was profiled" test "$profiled" -ge 1
finish
