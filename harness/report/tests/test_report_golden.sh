#!/usr/bin/env bash
# test-timeout: 60
# Golden test of `hakbench report`: a fixed database built from a committed SQL fixture
# (harness/report/tests/fixtures/report_session.sql: two hakmem variants at two revisions plus glibc,
# four workloads, a ~20% regression with a 12x RSS growth, counters, perf events, RSS samples,
# a crash whose stderr and commit subjects carry markdown-hostile text) must give exactly
# harness/report/tests/golden/report_session.md, every time.
#
# The commit subjects come from git, so the test makes a throw-away repository whose two
# commits have fixed authors, dates and messages: their hashes are the revisions in the fixture.
#
# Regenerate the golden file after an intended change of the report (or of compare's
# statistics), then review the diff before committing it:
#   UPDATE_GOLDEN=1 harness/report/tests/test_report_golden.sh && git diff harness/report/tests/golden/
source "$(dirname "$0")/../../testing/lib.sh"
root=$PWD
hakbench=$root/hakbench
fixture=$root/harness/report/tests/fixtures/report_session.sql
golden=$root/harness/report/tests/golden/report_session.md

cd "$tmp" || exit 1

export GIT_AUTHOR_NAME="Hak Fixture" GIT_AUTHOR_EMAIL=fixture@hakmem.invalid
export GIT_COMMITTER_NAME="Hak Fixture" GIT_COMMITTER_EMAIL=fixture@hakmem.invalid
commit() { # DATE SUBJECT
  GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1 git -c commit.gpgsign=false commit -q --allow-empty -m "$2"
}
git init -q . && git checkout -q -b main 2>/dev/null
commit 2026-11-20T10:00:00Z 'tiny: locked slab path | the `baseline` *reference*'
commit 2026-11-21T10:00:00Z 'fastpath: front cache ``` [x](y) <b>|</b> # _refill_'
check "fixture revisions are reproducible" \
  test "$(git rev-parse HEAD~1 HEAD | tr '\n' ' ')" = \
  "e4cc7d019eb3259b6c5b9caecabb40dd7ac281ae f1130cc647a68fb502cd4444f5ed246bd207b95b "

sqlite3 fixture.db <"$root/harness/store/schema.sql" && sqlite3 fixture.db 'PRAGMA user_version = 1' &&
  sqlite3 fixture.db <"$fixture" || { echo "FAIL: cannot build the fixture database"; exit 1; }

mkdir out
"$hakbench" report --session 1 --db fixture.db --out out/report.md >out/stdout 2>out/stderr
rc=$?
check "report of a session with a regression and a crash exits 1" test $rc -eq 1
check "report prints its path" test "$(cat out/stdout)" = out/report.md
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  cp out/report.md "$golden"
  echo "golden file rewritten: $golden"
fi
check "report matches the golden file" diff -u "$golden" out/report.md

for section in "## TL;DR" "## Results" "## Reference allocators" "## Memory" \
  "## Where the difference comes from" "## Failures" "## Next steps, ranked" "## Reproduce" \
  "## Environment"; do
  check "section '$section' present" grep -qxF "$section" out/report.md
done

# Every table row has as many unescaped cell separators as its header: hostile text (pipes in
# commit subjects, stderr, the session note) did not split a cell.
tables_intact() {
  awk '
    /^\|/ { line = $0; gsub(/\\\\/, "", line); gsub(/\\\|/, "", line); n = gsub(/\|/, "|", line)
            if (!intable) { cols = n; intable = 1 } else if (n != cols) { bad++; print "bad row: " $0 } }
    !/^\|/ { intable = 0 }
    END { exit bad > 0 }' out/report.md
}
check "tables keep their shape with hostile text" tables_intact
check "commit subject escaped in a table" \
  grep -qF '| fastpath: front cache \`\`\` \[x\](y) \<b\>\|\</b\> \# \_refill\_ |' out/report.md
check "stderr with a backtick fence gets a longer fence" \
  grep -qxF '````text' out/report.md
check "newline in hostile text does not end a table row" \
  grep -qF '| Note | fixture \| note with \`ticks\` |' out/report.md

cp out/report.md first.md
for f in out/*.png; do cp "$f" "first-$(basename "$f")"; done
"$hakbench" report --session 1 --db fixture.db --out out/report.md >/dev/null 2>&1
check "same session, same report byte for byte" cmp -s first.md out/report.md
if command -v gnuplot >/dev/null; then
  check "three plots written beside the report" test "$(ls out/*.png | wc -l)" -eq 3
  same_pngs() { for f in out/*.png; do cmp -s "$f" "first-$(basename "$f")" || return 1; done; }
  check "plots are deterministic too" same_pngs
fi

"$hakbench" report --session 99 --db fixture.db --out out/x.md 2>err.txt
check "unknown session: exit 2" test $? -eq 2
check "unknown session: says so" grep -q "session 99 does not exist" err.txt
"$hakbench" report --session 1 --db missing.db 2>err.txt
check "missing database: exit 2 without creating it" test $? -eq 2 -a ! -e missing.db
"$hakbench" report --session 1 --db fixture.db --out /proc/hakmem/report.md 2>err.txt
check "unwritable report path: exit 2" test $? -eq 2
check "unwritable report path: says so" grep -q "report" err.txt
"$hakbench" report --session 1 --db fixture.db --a nosuch --b e4cc7d0@baseline 2>err.txt
check "unknown variant: exit 2 naming the session's variants" grep -q "f1130cc@fastpath" err.txt

finish
