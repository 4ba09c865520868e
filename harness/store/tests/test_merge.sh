#!/usr/bin/env bash
# hakbench merge: two databases with an overlapping session merge into one holding every row
# exactly once (compared through natural keys, since ids are remapped); merging again adds
# nothing; the result passes integrity_check; the other file is left unchanged.
source "$(dirname "$0")/../../testing/lib.sh"

newdb() {
    sqlite3 "$1" < harness/store/schema.sql && sqlite3 "$1" 'PRAGMA user_version = 1'
}

# A: machine m1; sessions 'shared' and 'only-a'. B: machines m2 and m1 (other ids), sessions
# 'only-b' (on m2) and 'shared' (the same rows as in A, under different ids).
newdb "$tmp/a.db"
newdb "$tmp/b.db"
sqlite3 "$tmp/a.db" <<'SQL'
INSERT INTO machines VALUES (1,'fp1','cpu1',2,'6.1','unknown','madvise','2.36','gcc 12','h1');
INSERT INTO builds VALUES (1,'default','hakmem','aaaa',0,'','/x/a.so','ha','ok','','t0');
INSERT INTO builds VALUES (2,'baseline','hakmem','aaaa',0,'TINY_FAST_PATH_DEFAULT=0','/x/b.so','hb','ok','','t0');
INSERT INTO sessions VALUES (1,'shared','run',1,'t1','t2','hakbench run',7,1,'time','');
INSERT INTO sessions VALUES (2,'only-a','bisect',1,'t3','t4','hakbench bisect',8,1,'time','');
INSERT INTO session_variants VALUES (1,0,'default',1),(1,1,'baseline',2),(2,0,'aaaa@default',1);
INSERT INTO runs (id,session_id,seq,build_id,variant,workload,args,purpose,block,status,ops_per_sec,started_at)
  VALUES (1,1,0,1,'default','larson','x','measure',0,'ok',100,'t1'),
         (2,1,1,2,'baseline','larson','x','measure',0,'ok',90,'t1'),
         (3,2,0,1,'aaaa@default','larson','x','measure',0,'ok',80,'t3');
INSERT INTO run_metrics VALUES (1,'result','threads',4),(2,'result','threads',4);
INSERT INTO counters VALUES (1,'refills',12),(3,'refills',13);
INSERT INTO rss_samples VALUES (1,0,100),(1,10,200),(3,0,50);
INSERT INTO bisect_steps VALUES (2,0,'aaaa','good','equivalent',0.01,6);
INSERT INTO calibrations VALUES (1,1,'larson',0.03,0.04,0.95,20,'t0');
SQL
sqlite3 "$tmp/b.db" <<'SQL'
INSERT INTO machines VALUES (1,'fp2','cpu2',4,'6.2','performance','never','2.36','gcc 12','h2');
INSERT INTO machines VALUES (2,'fp1','cpu1',2,'6.1','unknown','madvise','2.36','gcc 12','h1');
INSERT INTO builds VALUES (1,'fastpath','hakmem','bbbb',0,'TINY_FAST_PATH_DEFAULT=1','/y/f.so','hf','ok','','t5');
INSERT INTO builds VALUES (2,'default','hakmem','aaaa',0,'','/x/a.so','ha','ok','','t0');
INSERT INTO builds VALUES (3,'baseline','hakmem','aaaa',0,'TINY_FAST_PATH_DEFAULT=0','/x/b.so','hb','ok','','t0');
INSERT INTO sessions VALUES (1,'only-b','nightly',1,'t5','t6','hakbench nightly',9,0,'time','');
INSERT INTO sessions VALUES (2,'shared','run',2,'t1','t2','hakbench run',7,1,'time','');
INSERT INTO session_variants VALUES (1,0,'fastpath',1),(2,0,'default',2),(2,1,'baseline',3);
INSERT INTO runs (id,session_id,seq,build_id,variant,workload,args,purpose,block,status,signal,ops_per_sec,started_at)
  VALUES (1,1,0,1,'fastpath','larson','y','measure',0,'ok',NULL,120,'t5'),
         (2,1,1,1,'fastpath','larson','y','counters',0,'crash',11,NULL,'t5'),
         (3,2,0,2,'default','larson','x','measure',0,'ok',NULL,100,'t1'),
         (4,2,1,3,'baseline','larson','x','measure',0,'ok',NULL,90,'t1');
INSERT INTO run_metrics VALUES (1,'perf','cycles',1e9),(3,'result','threads',4),(4,'result','threads',4);
INSERT INTO counters VALUES (2,'refills',40),(3,'refills',12);
INSERT INTO rss_samples VALUES (1,0,300),(3,0,100),(3,10,200);
INSERT INTO bisect_steps VALUES (1,-1,'bbbb','bad','regression',-0.2,8);
INSERT INTO calibrations VALUES (1,2,'larson',0.03,0.04,0.95,20,'t0'),(2,1,'larson',0.05,0.02,0.9,20,'t6');
SQL

# Both files were written as schema version 1; any hakbench command brings them to the current
# version (merge refuses another one). Version 2's columns travel too.
current=$("$HAKBENCH" --version | sed -n 's/^database schema //p')
"$HAKBENCH" sessions --db "$tmp/a.db" > /dev/null && "$HAKBENCH" sessions --db "$tmp/b.db" > /dev/null
check "opening a version-1 file migrates it to $current" test "$(q "$tmp/b.db" 'PRAGMA user_version')" = "$current"
sqlite3 "$tmp/b.db" "UPDATE sessions SET hakbench_revision = 'cafe', procedure_version = 1, looks = 3,
  runs_per_look = 10, holm_family = 5 WHERE uuid = 'only-b'; UPDATE bisect_steps SET ci_lo = -0.25,
  ci_hi = -0.15"

# Every row in terms of natural keys (uuid, fingerprint, build key) instead of ids.
dump() {
    sqlite3 "$1" <<'SQL'
SELECT 'machine', fingerprint, cpu_model, cores, kernel, governor, thp, glibc, compiler, hostname FROM machines;
SELECT 'build', variant, kind, revision, dirty, flags, library_path, library_hash, status, built_at FROM builds;
SELECT 'session', s.uuid, s.kind, m.fingerprint, s.started_at, s.finished_at, s.command, s.seed, s.quick,
       s.hakbench_revision, s.procedure_version, s.looks, s.runs_per_look, s.alpha, s.delta,
       s.holm_family
  FROM sessions s JOIN machines m ON m.id = s.machine_id;
SELECT 'variant', s.uuid, v.position, v.spec, b.variant, b.revision, b.flags, b.library_hash
  FROM session_variants v JOIN sessions s ON s.id = v.session_id LEFT JOIN builds b ON b.id = v.build_id;
SELECT 'run', s.uuid, r.seq, r.variant, r.workload, r.purpose, r.status, r.signal, r.ops_per_sec,
       b.variant, b.revision, b.library_hash
  FROM runs r JOIN sessions s ON s.id = r.session_id LEFT JOIN builds b ON b.id = r.build_id;
SELECT 'metric', s.uuid, r.seq, x.source, x.name, x.value FROM run_metrics x
  JOIN runs r ON r.id = x.run_id JOIN sessions s ON s.id = r.session_id;
SELECT 'counter', s.uuid, r.seq, x.name, x.value FROM counters x
  JOIN runs r ON r.id = x.run_id JOIN sessions s ON s.id = r.session_id;
SELECT 'rss', s.uuid, r.seq, x.t_ms, x.rss_kb FROM rss_samples x
  JOIN runs r ON r.id = x.run_id JOIN sessions s ON s.id = r.session_id;
SELECT 'step', s.uuid, x.step, x.revision, x.verdict, x.detail, x.change, x.runs, x.ci_lo, x.ci_hi
  FROM bisect_steps x
  JOIN sessions s ON s.id = x.session_id;
SELECT 'calibration', m.fingerprint, c.workload, c.delta, c.trials, c.created_at FROM calibrations c
  JOIN machines m ON m.id = c.machine_id;
SQL
}

{ dump "$tmp/a.db"; dump "$tmp/b.db"; } | sort -u > "$tmp/expected"
b_sum=$(md5sum < "$tmp/b.db")

"$HAKBENCH" merge "$tmp/b.db" --db "$tmp/a.db" > "$tmp/out1" 2>&1
check "merge exits 0" test $? -eq 0
cat "$tmp/out1"
check "reports 1 new session, 1 already present" grep -q "1 new session(s) with 2 run(s) and 1 bisect step(s); 1 already present" "$tmp/out1"
dump "$tmp/a.db" | sort > "$tmp/merged"
check "every row of both databases is there exactly once" cmp -s "$tmp/expected" "$tmp/merged"
check "no duplicate rows" test "$(sort -u "$tmp/merged" | wc -l)" -eq "$(wc -l < "$tmp/merged")"
check "the other database is unchanged" test "$(md5sum < "$tmp/b.db")" = "$b_sum"

"$HAKBENCH" merge "$tmp/b.db" --db "$tmp/a.db" > "$tmp/out2" 2>&1
check "second merge exits 0" test $? -eq 0
check "second merge reports nothing new" grep -q "0 new session(s) with 0 run(s)" "$tmp/out2"
dump "$tmp/a.db" | sort > "$tmp/merged2"
check "merging twice is idempotent" cmp -s "$tmp/merged" "$tmp/merged2"
check "integrity_check ok" test "$(sqlite3 "$tmp/a.db" 'PRAGMA integrity_check')" = ok
check "foreign keys hold" test -z "$(sqlite3 "$tmp/a.db" 'PRAGMA foreign_key_check')"

# Bad input: a missing file, a non-database, the database itself; nothing is changed.
before=$(dump "$tmp/a.db" | sort | md5sum)
"$HAKBENCH" merge "$tmp/missing.db" --db "$tmp/a.db" > /dev/null 2>&1
check "missing file: exit 2" test $? -eq 2
echo "not a database" > "$tmp/junk.db"
"$HAKBENCH" merge "$tmp/junk.db" --db "$tmp/a.db" 2> "$tmp/err" > /dev/null
check "foreign file: exit 2 with a reason" sh -c "test $? -eq 2 && grep -q 'not' '$tmp/err'"
"$HAKBENCH" merge "$tmp/a.db" --db "$tmp/a.db" > /dev/null 2>&1
check "merging a database into itself: exit 2" test $? -eq 2
check "failed merges changed nothing" test "$(dump "$tmp/a.db" | sort | md5sum)" = "$before"

finish
