#!/usr/bin/env bash
# Rewrites the generated parts of README.md from their single sources:
#   variants-table     the build-variant table of allocator/README.md
#   hakbench-commands  `./hakbench --help`
# Usage: scripts/sync_readme.sh [README]   (tests/test_readme_in_sync.sh checks it is current)
set -euo pipefail
cd "$(dirname "$0")/.."
readme=${1:-README.md}
[ -x ./hakbench ] || { echo "sync_readme: ./hakbench is not built (run make)" >&2; exit 2; }

variants=$(awk '/^## Build variants/ {s=1; next} s && /^\|/ {print; t=1; next} t {exit}' allocator/README.md)
[ -n "$variants" ] || { echo "sync_readme: no variant table in allocator/README.md" >&2; exit 1; }
commands=$(printf '```\n%s\n```' "$(./hakbench --help)")

python3 - "$readme" "$variants" "$commands" <<'PY'
import re, sys
path, variants, commands = sys.argv[1:4]
text = open(path).read()
for name, body in (("variants-table", variants), ("hakbench-commands", commands)):
    pattern = r"(<!-- %s:begin -->\n).*?(<!-- %s:end -->)" % (name, name)
    if not re.search(pattern, text, flags=re.S):
        sys.exit("sync_readme: %s has no %s markers" % (path, name))
    text = re.sub(pattern, lambda m: m.group(1) + body + "\n" + m.group(2), text, flags=re.S)
open(path, "w").write(text)
PY
