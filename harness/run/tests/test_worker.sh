#!/usr/bin/env bash
# test-timeout: 400
# The job queue (hakbench enqueue, worker, jobs) on a PostgreSQL server of the test's own
# (testing/pg.sh): enqueue refuses what a worker would; what the queue holds never becomes a
# command (an unknown name or a revision that is no commit fails the job, with the reason); two
# workers standing for two machines drain 20 jobs, each done exactly once; two workers of one
# machine never measure at once; a worker SIGKILLed mid-job leaves its job to the other, which
# finishes it without a run lost or stored twice; a server restarted mid-session costs nothing;
# a worker reads the repository's conf files at the job's revision; a bad connection string is
# exit 2 with libpq's message; the queue works on an SQLite file too.
source "$(dirname "$0")/../../testing/lib.sh"
source "$(dirname "$0")/../../testing/pg.sh"
pg_start

cat > "$tmp/workloads.conf" <<CONF
fake   cmd  1  $FAKE sleep 40 | $FAKE sleep 20
slow   cmd  1  $FAKE sleep 700 | $FAKE sleep 700
CONF
w=(--workloads-conf "$tmp/workloads.conf")
db=(--db "$PGURI")
fast=(--poll 1 --heartbeat 1 --lease 3 "${w[@]}" "${db[@]}")
head=$(git rev-parse HEAD)
enqueue() { "$HAKBENCH" enqueue "$@" "${w[@]}" "${db[@]}" | sed -n 's/^job //p'; }
jobs_in() { pq "SELECT count(*) FROM jobs WHERE $1"; }

# The most jobs seen running at once while $@ run (sampled every 0.1 s), into $tmp/concurrency.
watch_concurrency() {
  local most=0 n
  "$@" &
  local pid=$!
  while kill -0 $pid 2>/dev/null; do
    n=$(jobs_in "state = 'running'")
    [ "${n:-0}" -gt "$most" ] && most=$n
    sleep 0.1
  done
  wait $pid
  echo "$most" > "$tmp/concurrency"
}

# wait_runs JOB N: until the session of JOB holds N runs (30 s at most).
wait_runs() {
  for _ in $(seq 300); do
    [ "$(pq "SELECT count(*) FROM runs r JOIN jobs j ON j.session_id = r.session_id WHERE j.id = $1")" -ge "$2" ] && return
    sleep 0.1
  done
}

# --- enqueue refuses what a worker would, and queues nothing then ---
expect_exit 2 "enqueue: an unknown variant" "unknown variant 'nosuch'" enqueue --variants nosuch --workloads fake "${w[@]}" "${db[@]}"
expect_exit 2 "enqueue: an unknown workload" "unknown workload 'nosuch' (not in $tmp/workloads.conf)" enqueue --variants system --workloads nosuch "${w[@]}" "${db[@]}"
expect_exit 2 "enqueue: a workload of another conf file" "unknown workload 'fake' (not in harness/spec/workloads.conf at ${head:0:12})" enqueue --variants system --workloads fake "${db[@]}"
expect_exit 2 "enqueue: an option for a revision" "--rev: '--upload-pack=x' is not a commit" enqueue --variants system --workloads fake --rev=--upload-pack=x "${w[@]}" "${db[@]}"
expect_exit 2 "enqueue: a revision that is no commit" "is not a commit" enqueue --variants deadbeefdeadbeef@baseline --workloads fake "${w[@]}" "${db[@]}"
expect_exit 2 "enqueue: a peer at a revision" "is a peer allocator" enqueue --variants HEAD@system --workloads fake "${w[@]}" "${db[@]}"
check "nothing was queued: the database is not even set up" \
  [ "$(pq "SELECT count(*) FROM pg_tables WHERE tablename = 'jobs'")" = 0 ]
expect_exit 0 "enqueue: a revision travels as its full sha" "" enqueue --variants HEAD@baseline,system --workloads fake --machine nosuchhost "${w[@]}" "${db[@]}"
check "HEAD@baseline is queued as $head@baseline" [ "$(pq "SELECT variants FROM jobs")" = "$head@baseline,system" ]

# --- the queue's contents never become a command ---
bad() { # VARIANTS WORKLOADS REVISION
  pq "INSERT INTO jobs (uuid, state, revision, variants, workloads, runs, max_tries, command, enqueued_at) VALUES (md5(random()::text), 'queued', '$3', '$1', '$2', 1, 3, 'by hand', 't')" > /dev/null
}
bad "system;touch $tmp/pwned" fake "$head"
bad system "fake\$(touch $tmp/pwned)" "$head"
bad system fake "--upload-pack=touch $tmp/pwned"
bad "HEAD@baseline" fake "$head"
bad system fake "$(printf '%040d' 0)"
"$HAKBENCH" worker --drain "${fast[@]}" --lock "$tmp/lock-a" > "$tmp/out" 2> "$tmp/bad.log"
check "a worker on bad jobs: exit 1 (jobs failed)" [ $? -eq 1 ]
check "nothing ran: no file was touched" [ ! -e "$tmp/pwned" ]
check "five jobs failed" [ "$(jobs_in "state = 'failed'")" = 5 ]
check "an unknown variant, with the reason" [ "$(jobs_in "state = 'failed' AND reason = 'unknown variant ''system;touch $tmp/pwned'' (not in harness/spec/variants.conf at ${head:0:12})'")" = 1 ]
check "an unknown workload, with the reason" [ "$(jobs_in "state = 'failed' AND reason LIKE 'unknown workload ''fake\$(touch%'' (not in $tmp/workloads.conf)'")" = 1 ]
check "an option for a revision, with the reason" [ "$(jobs_in "state = 'failed' AND reason LIKE 'revision ''--upload-pack=touch%is not a commit%'")" = 1 ]
check "a revision that is not a full sha, with the reason" [ "$(jobs_in "state = 'failed' AND reason = '''HEAD@baseline'': revision ''HEAD'' is not a commit of this repository'")" = 1 ]
check "a sha that names no commit, with the reason" [ "$(jobs_in "state = 'failed' AND reason LIKE 'revision ''0000%is not a commit%'")" = 1 ]
check "the job for another machine stays queued" [ "$(jobs_in "state = 'queued' AND machine = 'nosuchhost'")" = 1 ]
pq "DELETE FROM jobs" > /dev/null

# --- two workers standing for two machines (a lock each) drain 20 jobs ---
for i in $(seq 20); do enqueue --variants system --workloads fake --runs 2 --quick --note "n$i" > /dev/null; done
check "20 jobs queued" [ "$(jobs_in "state = 'queued'")" = 20 ]
drain_two() {
  "$HAKBENCH" worker --drain "${fast[@]}" --lock "$tmp/lock-a" 2> "$tmp/a.log" &
  local a=$!
  "$HAKBENCH" worker --drain "${fast[@]}" --lock "$tmp/lock-b" 2> "$tmp/b.log"
  local rb=$?
  wait $a
  echo "$? $rb" > "$tmp/drain.rc"
}
watch_concurrency drain_two
check "both workers exit 0" [ "$(cat "$tmp/drain.rc")" = "0 0" ]
check "every job done, at the first try" [ "$(jobs_in "state = 'done' AND tries = 1")" = 20 ]
check "each job has a session of its own" [ "$(pq "SELECT count(DISTINCT session_id) FROM jobs")" = 20 ]
check "and no session more" [ "$(pq "SELECT count(*) FROM sessions")" = 20 ]
check "each session holds its runs once: 1 warm-up, 2 measured" \
  [ "$(pq "SELECT count(*) FROM (SELECT session_id FROM runs GROUP BY session_id HAVING count(*) = 3 AND count(DISTINCT seq) = 3) x")" = 20 ]
check "each session says its job" [ "$(pq "SELECT count(*) FROM jobs j JOIN sessions s ON s.id = j.session_id WHERE s.command LIKE 'hakbench worker: job ' || j.id || ' ' || j.uuid || ' (%' AND s.note = j.note")" = 20 ]
check "both workers took jobs" [ "$(pq "SELECT count(DISTINCT worker) FROM jobs")" = 2 ]
check "they ran side by side (two machines)" [ "$(cat "$tmp/concurrency")" = 2 ]
check "each session stored with this machine's fingerprint" \
  [ "$(pq "SELECT count(DISTINCT m.fingerprint) FROM sessions s JOIN machines m ON m.id = s.machine_id")" = 1 ]

# --- one machine, one measurement at a time: two workers on one lock ---
for i in 1 2 3 4; do enqueue --variants system --workloads fake --runs 3 > /dev/null; done
one_lock() {
  "$HAKBENCH" worker --drain "${fast[@]}" --lock "$tmp/lock-a" 2> "$tmp/c.log" &
  local c=$!
  "$HAKBENCH" worker --drain "${fast[@]}" --lock "$tmp/lock-a" 2> "$tmp/d.log"
  wait $c
}
watch_concurrency one_lock
check "four more jobs done" [ "$(jobs_in "state = 'done'")" = 24 ]
check "never two running at once" [ "$(cat "$tmp/concurrency")" = 1 ]
check "a worker waited for the machine lock" grep -q "waiting for it" "$tmp/c.log" "$tmp/d.log"

# --- a worker SIGKILLed mid-job: the other finishes the job, nothing lost or stored twice ---
job=$(enqueue --variants system --workloads slow --runs 3)
"$HAKBENCH" worker --once "${fast[@]}" --lock "$tmp/lock-a" 2> "$tmp/killed.log" &
victim=$!
wait_runs "$job" 1
doomed=$(pq "SELECT session_id FROM jobs WHERE id = $job")
kill -9 $victim
wait $victim 2>/dev/null
check "the killed worker had stored runs of its session" [ "$(pq "SELECT count(*) FROM runs WHERE session_id = ${doomed:-0}")" -ge 1 ]
"$HAKBENCH" worker --drain "${fast[@]}" --lock "$tmp/lock-b" 2> "$tmp/rescue.log"
check "the other worker: exit 0" [ $? -eq 0 ]
check "it sent the job back to the queue" grep -q "1 job(s) whose lease ran out went back to the queue" "$tmp/rescue.log"
check "the job is done, at the second try" [ "$(pq "SELECT state || ' ' || tries FROM jobs WHERE id = $job")" = "done 2" ]
check "the killed worker's partial session is gone" [ "$(pq "SELECT count(*) FROM sessions WHERE id = $doomed")" = 0 ]
check "one session for the job, with every run once" \
  [ "$(pq "SELECT count(*) || ' ' || count(DISTINCT r.seq) FROM sessions s JOIN runs r ON r.session_id = s.id WHERE s.command LIKE 'hakbench worker: job $job %'")" = "4 4" ]
check "no run without its session" [ "$(pq "SELECT count(*) FROM runs WHERE session_id NOT IN (SELECT id FROM sessions)")" = 0 ]

# --- the server restarted mid-session: the worker reconnects and carries on ---
job=$(enqueue --variants system --workloads slow --runs 5)
"$HAKBENCH" worker --once "${fast[@]}" --lock "$tmp/lock-a" 2> "$tmp/restart.log" &
worker=$!
wait_runs "$job" 2
pg_restart
wait $worker
check "the worker finished: exit 0" [ $? -eq 0 ]
check "it reconnected" grep -q "reconnected to" "$tmp/restart.log"
check "the job is done, at the first try" [ "$(pq "SELECT state || ' ' || tries FROM jobs WHERE id = $job")" = "done 1" ]
check "its session holds every run once: 1 warm-up, 5 measured" \
  [ "$(pq "SELECT count(*) || ' ' || count(DISTINCT r.seq) || ' ' || max(r.seq) FROM jobs j JOIN runs r ON r.session_id = j.session_id WHERE j.id = $job")" = "6 6 6" ]
check "and is finished" [ "$(pq "SELECT count(*) FROM jobs j JOIN sessions s ON s.id = j.session_id WHERE j.id = $job AND s.finished_at IS NOT NULL")" = 1 ]

# --- the repository's own conf files at the job's revision ---
"$HAKBENCH" enqueue --variants system --workloads tiny_hot --runs 1 --quick "${db[@]}" > /dev/null
"$HAKBENCH" worker --once --lock "$tmp/lock-a" "${db[@]}" 2> "$tmp/repo.log"
check "a worker without conf files runs tiny_hot from harness/spec at the revision" \
  [ "$(pq "SELECT state FROM jobs WHERE workloads = 'tiny_hot'")" = done ]

# --- a bad connection string, a server that is not there: exit 2 with libpq's words ---
expect_exit 2 "worker: a bad connection string" "invalid URI query parameter" worker --once --db "postgresql://hakbench@/hakmem?hots=x"
expect_exit 2 "worker: no server" "No such file or directory" worker --once --db "postgresql://hakbench@/hakmem?host=$tmp"
expect_exit 2 "enqueue: no server" "No such file or directory" enqueue --variants system --workloads fake "${w[@]}" --db "postgresql://hakbench@/hakmem?host=$tmp"

# --- the same queue in an SQLite file, for one machine ---
for i in 1 2 3; do "$HAKBENCH" enqueue --variants system --workloads fake --runs 1 "${w[@]}" --db "$tmp/q.db" > /dev/null; done
"$HAKBENCH" worker --drain --poll 1 "${w[@]}" --db "$tmp/q.db" --lock "$tmp/lock-a" 2> "$tmp/sqlite.log"
check "a worker on a file: exit 0" [ $? -eq 0 ]
check "the file's three jobs done, each with its session" \
  [ "$(q "$tmp/q.db" "SELECT count(*) FROM jobs WHERE state = 'done' AND session_id IS NOT NULL")" = 3 ]
"$HAKBENCH" jobs --db "$tmp/q.db" > "$tmp/jobs.txt"
check "hakbench jobs lists them" [ "$(grep -c ' done ' "$tmp/jobs.txt")" = 3 ]

finish
