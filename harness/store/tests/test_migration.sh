#!/usr/bin/env bash
# Schema migration: a database hakbench wrote at schema version 1 (fixtures/v1.sql, a real one)
# is brought to the current version (3) when any command opens it, in one transaction; nothing
# is lost, old sessions keep their verdicts (one look, procedure version 0), and old
# calibrations never stand in for a calibration of the new procedure. A version-2 file (the same
# data taken through migration_v2.sql, as hakbench 2 left it) gets the profile tables of 3.
source "$(dirname "$0")/../../testing/lib.sh"
db="$tmp/v1.db"
sqlite3 "$db" < harness/store/tests/fixtures/v1.sql
check "the fixture is at version 1" test "$(q "$db" 'PRAGMA user_version')" = 1
runs_before=$(q "$db" "SELECT count(*) FROM runs")
current=$("$HAKBENCH" --version | sed -n 's/^database schema //p')

"$HAKBENCH" sessions --db "$db" > "$tmp/sessions" 2>&1
check "opening it succeeds" test $? -eq 0
check "it is now at version $current" test "$(q "$db" 'PRAGMA user_version')" = "$current"
check "... with the profile tables" \
    test "$(q "$db" "SELECT count(*) FROM sqlite_master WHERE name IN ('profiles', 'profile_stacks')")" = 2
check "... and the job queue, empty" test "$(q "$db" "SELECT count(*) FROM jobs")" = 0
check "no run is lost" test "$(q "$db" "SELECT count(*) FROM runs")" = "$runs_before"
check "old sessions say they predate the procedure" \
    test "$(q "$db" "SELECT count(*) FROM sessions WHERE procedure_version <> 0 OR hakbench_revision <> ''")" = 0
check "old calibrations belong to no procedure" \
    test "$(q "$db" "SELECT procedure_version FROM calibrations")" = 0
check "old bisect steps have no interval" test "$(q "$db" "SELECT ci_lo IS NULL FROM bisect_steps")" = 1
check "the migrated file passes integrity_check" test "$(q "$db" 'PRAGMA integrity_check')" = ok

"$HAKBENCH" compare system jemalloc --session 1 --db "$db" > "$tmp/cmp" 2>&1
rc=$?
cat "$tmp/cmp"
check "an old session is compared (one look)" test $rc -eq 0 -o $rc -eq 1
check "... with a verdict" grep -Eq "equivalent|inconclusive|regression|improvement|changed-below-delta" "$tmp/cmp"
check "... against the default delta, not the old calibration" grep -q "2.0%" "$tmp/cmp"
"$HAKBENCH" report --session 1 --db "$db" --out "$tmp/report.md" > /dev/null 2>&1
check "an old session's report is written" test -s "$tmp/report.md"

# Opening twice migrates once.
"$HAKBENCH" sessions --db "$db" > /dev/null 2>&1
check "a second open changes nothing" test "$(q "$db" 'PRAGMA user_version')" = "$current"

# A version-2 file: version 1 and migration 1 -> 2 applied by sqlite3 alone.
v2="$tmp/v2.db"
{ cat harness/store/tests/fixtures/v1.sql harness/store/migration_v2.sql
  echo 'PRAGMA user_version = 2;'; } | sqlite3 "$v2"
check "the version-2 file is at version 2, without profiles" \
    test "$(q "$v2" "PRAGMA user_version; SELECT count(*) FROM sqlite_master WHERE name = 'profiles'" | tr '\n' ' ')" = "2 0 "
"$HAKBENCH" sessions --db "$v2" > /dev/null 2>&1
check "opening a version-2 file succeeds" test $? -eq 0
check "... and takes it to version $current" test "$(q "$v2" 'PRAGMA user_version')" = "$current"
check "... keeping every run" test "$(q "$v2" "SELECT count(*) FROM runs")" = "$runs_before"
check "... keeping its sessions' procedure columns" \
    test "$(q "$v2" "SELECT count(*) FROM sessions WHERE looks = 1")" = "$(q "$v2" "SELECT count(*) FROM sessions")"
check "... with empty profile tables" \
    test "$(q "$v2" "SELECT (SELECT count(*) FROM profiles) + (SELECT count(*) FROM profile_stacks)")" = 0
check "the migrated version-2 file passes integrity_check" test "$(q "$v2" 'PRAGMA integrity_check')" = ok

# A file newer than this hakbench is refused untouched.
sqlite3 "$db" 'PRAGMA user_version = 99'
sum=$(md5sum < "$db")
"$HAKBENCH" sessions --db "$db" > /dev/null 2> "$tmp/err"
check "a newer file is refused (exit 2)" test $? -eq 2
check "... and left untouched" test "$(md5sum < "$db")" = "$sum"

finish
