#!/usr/bin/env bash
# test-timeout: 300
# The store on PostgreSQL (a server of the test's own, testing/pg.sh) has the schema of an SQLite
# file, from the same scripts, and migrates a version-1 database the same way; it answers as the
# SQLite one:
# the report fixture merged from a file into the server gives the same report, comparison,
# exports and session list from either; a session run on the server and merged into a file gives
# the same report from both; merges go both ways and a second one adds nothing; a nightly's
# history stays within its machine's fingerprint on the server too. Refused: a foreign or newer
# database, a bad URI or a server that is not there (exit 2 with libpq's words), a password on
# the command line; a password in HAKBENCH_DB is never stored or shown.
source "$(dirname "$0")/../../testing/lib.sh"
source "$(dirname "$0")/../../testing/pg.sh"
pg_start

# A file of schema version 1 holding the SQL of $2, taken to the current version by hakbench.
file_db() {
  sqlite3 "$1" < harness/store/schema.sql && sqlite3 "$1" 'PRAGMA user_version = 1' &&
    sqlite3 "$1" < "$2" && "$HAKBENCH" sessions --db "$1" > /dev/null
}
# The output of hakbench ARGS... with the database's name (the file's, or the server's URI, as
# the shell quotes it) replaced by DB.
out_of() {
  "$HAKBENCH" "$@" 2>&1 | sed -e "s|'$PGURI'|DB|g" -e "s|$PGURI|DB|g" -e "s|$tmp/[a-z0-9_]*\.db|DB|g"
}

expect_exit 0 "a fresh server database: sessions" "" sessions --db "$PGURI"
check "it gets the schema of this hakbench" \
  [ "$(pq 'SELECT version FROM hakbench_schema')" = "$("$HAKBENCH" --version | sed -n 's/^database schema //p')" ]
check "integers are 64 bits, reals double, text sorts bytewise" \
  [ "$(pq "SELECT data_type || ':' || COALESCE(collation_name, '') FROM information_schema.columns WHERE table_name = 'sessions' AND column_name IN ('seed', 'command') ORDER BY column_name")" = "$(printf 'text:C\nbigint:')" ]

# Every column (table.column:type:not-null) and every index of a database, types in SQLite's
# words, for comparing the schemas the two engines got from the same scripts.
file_schema() {
  q "$1" "SELECT m.name || '.' || p.name || ':' || lower(p.type) || ':' || (p.\"notnull\" OR p.pk > 0) FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1"
  q "$1" "SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1"
}
server_schema() {
  psql_ "$1" -c "SELECT c FROM (SELECT table_name || '.' || column_name || ':' || CASE data_type WHEN 'bigint' THEN 'integer' WHEN 'double precision' THEN 'real' ELSE data_type END || ':' || CASE is_nullable WHEN 'NO' THEN 1 ELSE 0 END AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ('hakbench_schema', 'results')) x ORDER BY c COLLATE \"C\""
  psql_ "$1" -c "SELECT 'index ' || i FROM (SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN (SELECT conname FROM pg_constraint)) x ORDER BY i COLLATE \"C\""
}
"$HAKBENCH" merge "$PGURI" --db "$tmp/fresh.db" > /dev/null 2>&1
file_schema "$tmp/fresh.db" > "$tmp/schema.file"
check "a new SQLite file has the jobs table and v2's columns" grep -qx 'jobs.state:text:1' "$tmp/schema.file"
check "the same tables, columns and indexes as a new SQLite file" diff "$tmp/schema.file" <(server_schema hakmem)

# --- the same migrations: a server database at version 1 is taken through every later script ---
# It is made from a current one by undoing each migration_vN.sql (its tables, columns, indexes).
psql_ postgres -c 'CREATE DATABASE old' > /dev/null
old_uri=${PGURI/\/hakmem?/\/old?}
"$HAKBENCH" sessions --db "$old_uri" > /dev/null
echo 'SET client_min_messages = warning;' > "$tmp/undo.sql"
for m in $(ls harness/store/migration_v*.sql | sort -rV); do
  sed -nE 's/^CREATE TABLE ([a-z0-9_]+).*/DROP TABLE \1;/p; s/^ALTER TABLE ([a-z0-9_]+) ADD COLUMN ([a-z0-9_]+).*/ALTER TABLE \1 DROP COLUMN \2;/p; s/^CREATE (UNIQUE )?INDEX ([a-z0-9_]+).*/DROP INDEX IF EXISTS \2;/p' "$m" | sort -r
done >> "$tmp/undo.sql"
echo "UPDATE hakbench_schema SET version = 1;
INSERT INTO machines (fingerprint, cpu_model, cores, kernel, governor, thp, glibc, compiler, hostname) VALUES ('fp-old', 'cpu', 2, 'k', 'g', 't', 'l', 'c', 'old-host');
INSERT INTO sessions (uuid, kind, machine_id, started_at, command, seed, quick, metric, note) VALUES ('old-1', 'run', 1, 't', 'hakbench run', 1, 0, 'time', '');" >> "$tmp/undo.sql"
psql_ old -f "$tmp/undo.sql" > /dev/null
check "the undone database is at version 1, without the later columns" \
  [ "$(psql_ old -c "SELECT version || ' ' || (SELECT count(*) FROM information_schema.columns WHERE table_name = 'sessions' AND column_name = 'procedure_version') FROM hakbench_schema")" = "1 0" ]
expect_exit 0 "opening it migrates it" "" sessions --db "$old_uri"
check "it is at the current version" [ "$(psql_ old -c 'SELECT version FROM hakbench_schema')" = "$("$HAKBENCH" --version | sed -n 's/^database schema //p')" ]
check "with the schema of a new SQLite file" diff "$tmp/schema.file" <(server_schema old)
check "its session kept, predating the procedure" \
  [ "$(psql_ old -c "SELECT uuid || ' ' || procedure_version || ' ' || looks FROM sessions")" = "old-1 0 1" ]

# --- the report fixture: a file merged into the server, the same answers from both ---
file_db "$tmp/fixture.db" harness/report/tests/fixtures/report_session.sql || { echo "FAIL: fixture"; exit 1; }
expect_exit 0 "merge the fixture file into the server" "" merge "$tmp/fixture.db" --db "$PGURI"
for format in csv json markdown; do
  check "export $format: the same from the server" \
    [ "$(out_of export --session 1 --format "$format" --db "$tmp/fixture.db")" = "$(out_of export --session 1 --format "$format" --db "$PGURI")" ]
done
for format in text json; do
  check "compare --format $format: the same from the server" \
    [ "$(out_of compare e4cc7d0@baseline f1130cc@fastpath --session 1 --format "$format" --db "$tmp/fixture.db")" = \
      "$(out_of compare e4cc7d0@baseline f1130cc@fastpath --session 1 --format "$format" --db "$PGURI")" ]
  check "sessions --format $format: the same from the server" \
    [ "$(out_of sessions --format "$format" --db "$tmp/fixture.db")" = "$(out_of sessions --format "$format" --db "$PGURI")" ]
done
check "compare names the machine of the numbers" \
  sh -c "'$HAKBENCH' compare e4cc7d0@baseline f1130cc@fastpath --session 1 --db '$PGURI' | grep -qx 'machine bench-01 (AMD EPYC 7B13, 2 cores), fingerprint 3f6c0d2a9b8e7f6a'"
mkdir -p "$tmp/file" "$tmp/server"
"$HAKBENCH" report --session 1 --db "$tmp/fixture.db" --out "$tmp/file/report.md" > /dev/null 2>&1
check "report of the fixture from the file: exit 1 (a regression)" [ $? -eq 1 ]
"$HAKBENCH" report --session 1 --db "$PGURI" --out "$tmp/server/report.md" > /dev/null 2>&1
check "report of the fixture from the server: exit 1 (a regression)" [ $? -eq 1 ]
norm() { sed -e "s|'$PGURI'|DB|g" -e "s|$PGURI|DB|g" -e "s|$tmp/fixture.db|DB|g" -e "s|$tmp/[a-z]*/|OUT/|g" "$1"; }
check "the same report from the server as from the file" diff <(norm "$tmp/file/report.md") <(norm "$tmp/server/report.md")

# --- a session run on the server, merged into a file: the same report from both ---
cat > "$tmp/workloads.conf" <<CONF
fake   cmd  1  $FAKE grow 2 | $FAKE grow 2
noisy  cmd  1  $FAKE noisy | $FAKE noisy
CONF
w=(--workloads-conf "$tmp/workloads.conf")
"$HAKBENCH" run --variants system,default --workloads fake,noisy --runs 3 --looks 1 --seed 7 "${w[@]}" \
  --db "$PGURI" > "$tmp/run.out" 2> "$tmp/run.err"
check "run on the server: exit 0" [ $? -eq 0 ]
session=$(sed -n 's/^session //p' "$tmp/run.out")
check "its runs are on the server: warm-up, measured (one look), counters" \
  [ "$(pq "SELECT string_agg(purpose || '=' || n, ' ') FROM (SELECT purpose, count(*) AS n FROM runs WHERE session_id = $session AND (workload = 'fake' OR purpose <> 'measure') GROUP BY purpose ORDER BY purpose) x")" = "counters=2 measure=6 warmup=4" ]
check "every run of fake with its RSS samples" \
  [ "$(pq "SELECT count(*) FROM runs r WHERE r.session_id = $session AND r.workload = 'fake' AND NOT EXISTS (SELECT 1 FROM rss_samples x WHERE x.run_id = r.id)")" = 0 ]
check "the counters runs with their counters" \
  [ "$(pq "SELECT count(DISTINCT c.run_id) FROM counters c JOIN runs r ON r.id = c.run_id WHERE r.session_id = $session")" = 2 ]
"$HAKBENCH" compare system default --session "$session" --db "$PGURI" > "$tmp/compare.out" 2>&1
verdicts='(equivalent|inconclusive|regression|improvement|changed-below-delta)$'
check "compare on the server: a verdict per workload (3 runs decide little)" \
  sh -c "[ $? -le 1 ] && grep -Eq '^fake .* $verdicts' '$tmp/compare.out' && grep -Eq '^noisy .* $verdicts' '$tmp/compare.out'"
expect_exit 0 "merge the server into a new file" "" merge "$PGURI" --db "$tmp/copy.db"
check "merge says what it copied" grep -q "2 new session(s) with $(pq 'SELECT count(*) FROM runs') run(s)" "$tmp/out"
"$HAKBENCH" report --session "$session" --db "$PGURI" --out "$tmp/server/run.md" > /dev/null 2>&1
"$HAKBENCH" report --session "$session" --db "$tmp/copy.db" --out "$tmp/file/run.md" > /dev/null 2>&1
check "the run's report: the same from the file as from the server" \
  diff <(norm "$tmp/server/run.md" | sed "s|$tmp/copy.db|DB|g") <(norm "$tmp/file/run.md" | sed "s|$tmp/copy.db|DB|g")
for s in 1 "$session"; do
  check "session $s: the same export from the copy" \
    [ "$(out_of export --session "$s" --format json --db "$PGURI")" = "$(out_of export --session "$s" --format json --db "$tmp/copy.db")" ]
done

# --- merges both ways, and again: nothing new ---
expect_exit 0 "merge the server into the file again" "" merge "$PGURI" --db "$tmp/copy.db"
check "nothing new in the file" grep -q "0 new session(s) with 0 run(s)" "$tmp/out"
expect_exit 0 "merge the file back into the server" "" merge "$tmp/copy.db" --db "$PGURI"
check "nothing new: both sessions are there" grep -q "0 new session(s) with 0 run(s) and 0 bisect step(s); 2 already present; 0 new machine(s), 0 new build(s)" "$tmp/out"
check "the server holds each run once" [ "$(pq 'SELECT count(*) FROM runs')" = "$(q "$tmp/copy.db" 'SELECT count(*) FROM runs')" ]

# --- a nightly history on the server stays within the machine's fingerprint ---
{
  echo "INSERT INTO machines VALUES (1, 'fp-here', 'cpu', 2, '6.1', 'unknown', 'madvise', '2.36', 'gcc', 'here');"
  echo "INSERT INTO machines VALUES (2, 'fp-other', 'cpu2', 64, '6.1', 'unknown', 'madvise', '2.36', 'gcc', 'other');"
  for s in 1 2 3 4 5; do
    m=$((s == 5 ? 2 : 1)) v=$((s == 5 ? 9900000000 : 4000000 - 1000 * s)) day=$((s == 5 ? 4 : s))
    echo "INSERT INTO sessions VALUES ($s, 'n-$s', 'nightly', $m, '2026-11-0${day}T02:30:00Z', '2026-11-0${day}T03:30:00Z', 'hakbench nightly', $s, 0, 'time', '');"
    echo "INSERT INTO session_variants VALUES ($s, 0, 'default', NULL);"
    for k in 0 1 2; do
      echo "INSERT INTO runs (session_id, seq, variant, workload, args, purpose, block, status, ops_per_sec, peak_rss_kb, started_at) VALUES ($s, $k, 'default', 'larson', 'x', 'measure', $k, 'ok', $((v + k)), 1000, 't');"
    done
  done
  echo "INSERT INTO bisect_steps VALUES (4, 0, '$(git rev-parse HEAD)', 'good', 'equivalent', 0.01, 6);"
} > "$tmp/nightly.sql"
file_db "$tmp/nightly.db" "$tmp/nightly.sql" || { echo "FAIL: nightly fixture"; exit 1; }
expect_exit 0 "merge the nightlies into the server" "" merge "$tmp/nightly.db" --db "$PGURI"
check "five sessions with their runs and bisect step" grep -q "5 new session(s) with 15 run(s) and 1 bisect step(s)" "$tmp/out"
nightly_id=$(pq "SELECT id FROM sessions WHERE uuid = 'n-4'")
"$HAKBENCH" nightly --session "$nightly_id" --db "$PGURI" --reports-dir "$tmp/server" > /dev/null 2>&1
"$HAKBENCH" nightly --session 4 --db "$tmp/nightly.db" --reports-dir "$tmp/file" > /dev/null 2>&1
# Session ids differ (the server had sessions before): they are left out.
nnorm() { norm "$1" | sed -E "s|$tmp/nightly.db|DB|g; s/(session|Session\*\*:) [0-9]+/\1 N/g; s/--session [0-9]+/--session N/g"; }
check "the nightly report: the same from the server" \
  diff <(nnorm "$tmp/server/nightly-2026-11-04.md") <(nnorm "$tmp/file/nightly-2026-11-04.md")
check "its history: the four nights of this fingerprint" grep -q '^| default | larson | 4 | ' "$tmp/server/nightly-2026-11-04.md"
check "it names the fingerprint" grep -q 'fingerprint `fp-here`' "$tmp/server/nightly-2026-11-04.md"
check "the other machine's numbers stay out" sh -c "! grep -q '9\.90G\|9900' '$tmp/server/nightly-2026-11-04.md'"
expect_exit 0 "build records a peer's build on the server" "" build system --db "$PGURI"

# --- refusals ---
psql_ postgres -c 'CREATE DATABASE other' > /dev/null
psql_ other -c 'CREATE TABLE invoices (id int)' > /dev/null
other_uri=${PGURI/\/hakmem?/\/other?}
expect_exit 2 "a foreign database" "not a hakmem database" sessions --db "$other_uri"
check "the foreign database is left alone" [ "$(psql_ other -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 1 ]
pq 'UPDATE hakbench_schema SET version = 99' > /dev/null
expect_exit 2 "a newer schema" "newer hakbench (schema version 99" sessions --db "$PGURI"
pq "UPDATE hakbench_schema SET version = $("$HAKBENCH" --version | sed -n 's/^database schema //p')" > /dev/null
expect_exit 2 "a bad connection string: libpq's message" "invalid URI query parameter" sessions --db "postgresql://hakbench@/hakmem?hots=x"
mkdir -p "$tmp/nobody-home"
expect_exit 2 "no server at the socket: libpq's message" "No such file or directory" sessions --db "postgresql://hakbench@/hakmem?host=$tmp/nobody-home"
expect_exit 2 "an unknown database: libpq's message" 'database "nosuch" does not exist' sessions --db "${PGURI/\/hakmem?/\/nosuch?}"
expect_exit 2 "a password on the command line" "put it in ~/.pgpass" sessions --db "postgresql://hakbench:s3cret@/hakmem?host=$pg_dir"
expect_exit 2 "a password= parameter on the command line" "put it in ~/.pgpass" sessions --db="$PGURI&password=s3cret"

# --- a password in HAKBENCH_DB works (this server trusts anyway) and is never stored or shown ---
secret_uri="postgresql://hakbench:s3cret@/hakmem?host=$pg_dir"
HAKBENCH_DB=$secret_uri "$HAKBENCH" run --variants system,default --workloads fake --runs 1 --warmup 0 "${w[@]}" > "$tmp/out" 2>&1
check "run with HAKBENCH_DB: exit 0" [ $? -eq 0 ]
s=$(sed -n 's/^session //p' "$tmp/out")
HAKBENCH_DB=$secret_uri "$HAKBENCH" report --session "$s" --out "$tmp/server/secret.md" > /dev/null 2>&1
HAKBENCH_DB=$secret_uri "$HAKBENCH" enqueue --variants system --workloads fake "${w[@]}" >> "$tmp/out" 2>&1
check "the report names the database without the password" grep -qF "| Database | postgresql://hakbench@/hakmem?host=$pg_dir |" "$tmp/server/secret.md"
check "the job was queued" grep -q "^job [0-9]" "$tmp/out"
check "no password in the report or the output" sh -c "! grep -q s3cret '$tmp/server/secret.md' '$tmp/out'"
check "no password in any stored command" \
  [ "$(pq "SELECT (SELECT count(*) FROM sessions WHERE command LIKE '%s3cret%') + (SELECT count(*) FROM jobs WHERE command LIKE '%s3cret%')")" = 0 ]

finish
