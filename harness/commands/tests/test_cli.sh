#!/usr/bin/env bash
# test-timeout: 120
# hakbench's command line: help for every command, bad input (unknown command, variant or
# workload, a revision that does not exist, a variants.conf syntax error naming the line,
# unusable database paths) answered with a clear message and exit 2, without creating a
# database; export in csv, json and markdown of a real session; running from another directory.
source "$(dirname "$0")/../../testing/lib.sh"

# expect_fail NAME PATTERN ARGS...: hakbench ARGS exits 2 with PATTERN on stderr.
expect_fail() { expect_exit 2 "$@"; }

help_ok() { $HAKBENCH "$@" >"$tmp/help" 2>&1 && grep -q "usage" "$tmp/help"; }
check "--help exits 0" help_ok --help
cp "$tmp/help" "$tmp/help.list"
for cmd in run compare calibrate export report bisect nightly merge enqueue worker jobs build variants sessions site; do
  check "--help lists $cmd" grep -q "^  $cmd " "$tmp/help.list"
  check "$cmd --help" help_ok "$cmd" --help
done
check "help run" help_ok help run

# Every option a command's --help lists is one it accepts (the same spelling everywhere): given
# as --OPT=x and followed by an option that does not exist, it must fail on the latter, or on
# its value, never as unknown itself.
accepts_listed_options() {
  local cmd=$1 bad=0
  for opt in $($HAKBENCH "$cmd" --help | grep -oE '^ +(-[a-z], )?--[a-z][a-z-]*[a-z]' | grep -oE -- '--[a-z-]+'); do
    [ "$opt" = --export ] && continue # --export-F: one option per export format
    $HAKBENCH "$cmd" "$opt=x" --zz-no-such-option >/dev/null 2>"$tmp/opt.err"
    if grep -q "unrecognized option '$opt" "$tmp/opt.err"; then
      echo "  $cmd does not accept $opt, which its --help lists"
      bad=1
    fi
  done
  return $bad
}
for cmd in run compare calibrate export report bisect nightly merge enqueue worker jobs build variants sessions site; do
  check "$cmd accepts every option its --help lists" accepts_listed_options "$cmd"
done

cat > "$tmp/workloads.conf" <<CONF
fake  cmd  1  $FAKE ok | $FAKE ok
CONF
w=(--workloads-conf "$tmp/workloads.conf")
db=$tmp/cli.db
expect_fail "unknown command" "'frobnicate' is not a command" frobnicate
expect_fail "unknown variant" "unknown variant 'fastpth'" run --variants system,fastpth --workloads fake "${w[@]}" --db "$db"
expect_fail "unknown workload" "unknown workload 'nosuch'" run --variants system --workloads nosuch "${w[@]}" --db "$db"
expect_fail "nonexistent revision" "revision 'deadbeefdeadbeef' does not exist" run --variants deadbeefdeadbeef@baseline --workloads fake "${w[@]}" --db "$db"
expect_fail "missing --variants" "--variants and --workloads are required" run --workloads fake --db "$db"
expect_fail "bad --runs" "--runs: 'many'" run --variants system --workloads fake --runs many --db "$db"
{ head -5 harness/spec/variants.conf; echo "broken  hakmem  NOT VALID"; } >"$tmp/variants.conf"
expect_fail "variants.conf syntax error names the line" "$tmp/variants.conf:6: expected VAR=VALUE" run --variants system --workloads fake --variants-conf "$tmp/variants.conf" "${w[@]}" --db "$db"
expect_fail "database in a missing directory" "does not exist" run --variants system --workloads fake "${w[@]}" --db "$tmp/no/such/dir/x.db"
touch "$tmp/plainfile"
expect_fail "database under a plain file" "is not a directory" run --variants system --workloads fake "${w[@]}" --db "$tmp/plainfile/x.db"
echo "not a database" >"$tmp/notes.db"
expect_fail "foreign file as database" "not an SQLite database" run --variants system --workloads fake "${w[@]}" --db "$tmp/notes.db"
check "the foreign file is untouched" [ "$(cat "$tmp/notes.db")" = "not a database" ]
expect_fail "build of a nonexistent revision" "does not exist" build nosuchrev@fastpath --db "$db"

# A variant that does not compile is a recorded outcome: build-failed runs, exit 2.
{ cat harness/spec/variants.conf; echo "broken  hakmem  TCACHE_CAPACITY=not_a_number"; } >"$tmp/broken.conf"
$HAKBENCH run --variants system,broken --workloads fake --runs 1 --warmup 0 --no-counters \
  --variants-conf "$tmp/broken.conf" "${w[@]}" --db "$tmp/broken.db" >"$tmp/out" 2>"$tmp/err"
check "a build failure exits 2" [ $? -eq 2 ]
check "a build failure still prints the session" grep -q "^session 1$" "$tmp/out"
check "the broken variant's runs are build-failed with the compiler's words" \
  [ "$(q "$tmp/broken.db" "SELECT count(*) FROM runs WHERE variant = 'broken' AND status = 'build-failed' AND stderr_tail LIKE '%error%'")" = 1 ]
check "the other variant still ran" \
  [ "$(q "$tmp/broken.db" "SELECT status FROM runs WHERE variant = 'system'")" = ok ]
check "the failed build is recorded" \
  [ "$(q "$tmp/broken.db" "SELECT status FROM builds WHERE variant = 'broken'")" = build-failed ]

# A real session: the system allocator and the default hakmem build on the fake workload.
$HAKBENCH run --variants system,default --workloads fake --runs 2 --warmup 1 --seed 3 "${w[@]}" \
  --db "$db" >"$tmp/run.out" 2>"$tmp/run.err"
check "run succeeds" [ $? -eq 0 ]
session=$(sed -n 's/^session \([0-9]*\)$/\1/p' "$tmp/run.out")
check "run prints the session" [ -n "$session" ]
check "warm-up runs are stored as warmup" \
  [ "$(q "$db" "SELECT count(*) FROM runs WHERE purpose = 'warmup'")" = 2 ]
check "three counters runs for the hakmem variant only (their spread is the noise)" \
  [ "$(q "$db" "SELECT group_concat(variant) FROM runs WHERE purpose = 'counters'")" = default,default,default ]
check "the counters run stored the allocator's counters" \
  [ "$(q "$db" "SELECT count(*) > 0 FROM counters")" = 1 ]
check "each block runs each variant once" \
  [ "$(q "$db" "SELECT count(*) FROM (SELECT block FROM runs WHERE purpose = 'measure' GROUP BY block HAVING count(DISTINCT variant) <> 2)")" = 0 ]
check "the results view shows the measured runs" \
  [ "$(q "$db" "SELECT count(*) FROM results WHERE session_id = $session")" -ge 4 ]

# The run order: each block runs every variant once, in an order drawn from the seed.
order() { q "$1" "SELECT group_concat(variant, ' ') FROM (SELECT variant FROM runs WHERE session_id = $2 AND purpose = 'measure' ORDER BY seq)"; }
$HAKBENCH run --variants system,default --workloads fake --runs 8 --warmup 0 --no-counters \
  --seed 11 "${w[@]}" --db "$tmp/order.db" >/dev/null 2>"$tmp/order.err"
$HAKBENCH run --variants system,default --workloads fake --runs 8 --warmup 0 --no-counters \
  --seed 11 "${w[@]}" --db "$tmp/order.db" >/dev/null 2>"$tmp/order.err"
check "the same seed gives the same run order" [ "$(order "$tmp/order.db" 1)" = "$(order "$tmp/order.db" 2)" ]
pairs=$(order "$tmp/order.db" 1 | xargs -n 2 echo | sort -u | wc -l)
check "blocks come in both orders (A B and B A)" [ "$pairs" = 2 ]

# Two harnesses writing to one database at once wait for each other; neither fails.
for i in 1 2; do
  $HAKBENCH run --variants system --workloads fake --runs 15 --warmup 0 --no-counters -q \
    "${w[@]}" --db "$tmp/shared.db" >"$tmp/shared.$i" 2>&1 &
done
wait %1; rc1=$?
wait %2; rc2=$?
check "two concurrent sessions both succeed" [ "$rc1$rc2" = 00 ]
check "both sessions hold all their runs" \
  [ "$(q "$tmp/shared.db" "SELECT group_concat(n) FROM (SELECT count(*) AS n FROM runs GROUP BY session_id)")" = "15,15" ]

# Two variants, noisy numbers: an inconclusive workload gets its next looks' blocks, whole looks,
# up to --looks; a third variant (a reference) only the first look's.
echo "noisy  cmd  1  $FAKE noisy | $FAKE noisy" >>"$tmp/workloads.conf"
$HAKBENCH run --variants system,default,mimalloc --workloads noisy --runs 4 --looks 3 --warmup 0 \
  --no-counters "${w[@]}" --db "$tmp/noisy.db" >/dev/null 2>&1
n_noisy=$(q "$tmp/noisy.db" "SELECT count(*) FROM runs WHERE variant = 'system' AND purpose = 'measure'")
check "an inconclusive comparison earns whole looks (8 or 12 runs)" [ "$n_noisy" = 8 -o "$n_noisy" = 12 ]
check "... the reference only the first look" [ "$(q "$tmp/noisy.db" "SELECT count(*) FROM runs WHERE variant = 'mimalloc' AND purpose = 'measure'")" = 4 ]
check "the session records its procedure" [ "$(q "$tmp/noisy.db" "SELECT looks || ',' || runs_per_look || ',' || procedure_version FROM sessions")" = "3,4,1" ]
check "... and the hakbench that ran it" [ "$(q "$tmp/noisy.db" "SELECT hakbench_revision FROM sessions")" = "$($HAKBENCH --version | sed -n 's/^hakbench //p')" ]

$HAKBENCH export --session "$session" --format csv --db "$db" --out "$tmp/x.csv"
check "export csv" [ $? -eq 0 ]
rows_csv() { python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(len(r), r[0]["variant"] in ("system","default"))' "$tmp/x.csv"; }
n=$(q "$db" "SELECT count(*) FROM runs WHERE session_id = $session")
check "csv parses with one row per run" [ "$(rows_csv)" = "$n True" ]
$HAKBENCH export --session "$session" --format json --db "$db" >"$tmp/x.json"
rows_json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["runs"]; print(d["schema"], len(r), all("stderr_tail" in x for x in r))' "$tmp/x.json"; }
check "json parses: its schema and one object per run" [ "$(rows_json)" = "hakbench-export/1 $n True" ]
$HAKBENCH export --session "$session" --format markdown --db "$db" >"$tmp/x.md"
check "markdown has a header, a rule and a row per run" [ "$(grep -c '^|' "$tmp/x.md")" = $((n + 2)) ]
# Text with commas, quotes, newlines and pipes must survive each format.
sqlite3 "$db" "UPDATE runs SET stderr_tail = 'a,b \"q\" |pipe|' || char(10) || 'line2' WHERE id = 1"
$HAKBENCH export --session "$session" --format csv --db "$db" --out "$tmp/y.csv"
tail_csv() { python3 -c 'import csv,sys; print(repr(list(csv.DictReader(open(sys.argv[1], newline="")))[0]["stderr_tail"]))' "$tmp/y.csv"; }
check "csv escapes quotes, commas and newlines" [ "$(tail_csv)" = "'a,b \"q\" |pipe|\\nline2'" ]
$HAKBENCH export --session "$session" --format json --db "$db" >"$tmp/y.json"
tail_json() { python3 -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["runs"][0]["stderr_tail"]))' "$tmp/y.json"; }
check "json escapes quotes and newlines" [ "$(tail_json)" = "'a,b \"q\" |pipe|\\nline2'" ]
# Bytes that are no UTF-8 (a workload may print anything) become U+FFFD, one per byte, and the
# document stays valid; nothing is dropped.
sqlite3 "$db" "UPDATE runs SET stderr_tail = 'bad ' || CAST(X'FF80' AS TEXT) || ' end' WHERE id = 1"
$HAKBENCH export --session "$session" --format json --db "$db" >"$tmp/z.json"
check "json replaces invalid UTF-8 with U+FFFD" [ "$(python3 -c 'import json,sys; print(ascii(json.load(open(sys.argv[1], encoding="utf-8"))["runs"][0]["stderr_tail"]))' "$tmp/z.json")" = "'bad \\ufffd\\ufffd end'" ]
expect_fail "export of a missing session" "no session 999" export --session 999 --format csv --db "$db"
expect_fail "export in an unknown format" "'xml' is not csv, json, markdown" export --session 1 --format xml --db "$db"
# Run from another directory: hakbench finds its repository, while the paths the user typed
# (--db, --workloads-conf) stay relative to where the user is. A mistyped name leaves no
# database behind.
mkdir -p "$tmp/elsewhere"
cp "$tmp/workloads.conf" "$tmp/elsewhere/wl.conf"
root=$PWD
(cd "$tmp/elsewhere" && "$root/hakbench" run --variants system --workloads fake --runs 1 --warmup 0 \
  --no-counters --workloads-conf wl.conf --db here.db) >"$tmp/elsewhere.out" 2>&1
check "run from another directory succeeds" grep -q "^session 1$" "$tmp/elsewhere.out"
check "its relative --db lands where the user is" [ -f "$tmp/elsewhere/here.db" ]
check "and holds the runs" [ "$(q "$tmp/elsewhere/here.db" "SELECT count(*) FROM runs WHERE status = 'ok'")" = 1 ]
(cd "$tmp/elsewhere" && "$root/hakbench" export --session 1 --db here.db --export-csv runs.csv) >/dev/null 2>&1
check "an --export-F file from elsewhere lands where the user is" [ -s "$tmp/elsewhere/runs.csv" ]
(cd "$tmp/elsewhere" && "$root/hakbench" run --variants nosuch --workloads fake \
  --workloads-conf=wl.conf --db=typo.db) >"$tmp/typo.out" 2>&1
check "an unknown variant from elsewhere still lists the repository's variants" \
  grep -q "unknown variant 'nosuch'.*known: default" "$tmp/typo.out"
check "an unknown variant creates no database" [ ! -e "$tmp/elsewhere/typo.db" ]

finish
