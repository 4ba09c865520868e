/* hakbench merge: imports another machine's (or another checkout's) results database into this
 * one. Sessions travel by uuid, machines by fingerprint, builds by their unique key; every
 * integer id is remapped through temporary tables, all in one transaction. A session already
 * present is left alone, so merging twice adds nothing. Machine rows keep their fingerprint,
 * which is what keeps comparisons (compare, nightly history) within one machine. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "store/db.h"

static const char merge_usage[] =
    "usage: hakbench merge OTHER.db [--db PATH]\n"
    "\n"
    "Imports every session of OTHER.db that this database does not have yet (matched by uuid),\n"
    "with its runs, metrics, counters, RSS samples and bisect steps; machines are matched by\n"
    "fingerprint and builds by (variant, revision, dirty, flags, library hash). Calibrations\n"
    "are imported unless an identical one exists. Merging the same file twice adds nothing.\n"
    "OTHER.db is only read.\n"
    "\n"
    "  --db PATH   the database to merge into (default " DB_DEFAULT_PATH ")\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0 merged (possibly nothing new), 2 could not merge (nothing is changed).\n";

/* The other file must be a hakmem database of exactly this schema version: an older one is
 * migrated by opening it with hakbench first (merge never writes to it), a newer one needs a
 * newer hakbench. Checked on a read-only connection before it is attached. */
static int check_other(const char *path)
{
    sqlite3 *o = NULL;
    if (sqlite3_open_v2(path, &o, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "hakbench merge: %s: cannot open: %s\n", path,
                o ? sqlite3_errmsg(o) : "no memory");
        sqlite3_close(o);
        return -1;
    }
    sqlite3_stmt *st = NULL;
    long long version = -1, tables = 0;
    if (sqlite3_prepare_v2(o, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(o,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                           "('machines', 'builds', 'sessions', 'runs', 'bisect_steps')",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        tables = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(o);
    if (version < 0) {
        fprintf(stderr, "hakbench merge: %s: not an SQLite database (or unreadable)\n", path);
        return -1;
    }
    if (tables != 5 || version == 0) {
        fprintf(stderr, "hakbench merge: %s: not a hakmem results database\n", path);
        return -1;
    }
    if (version != DB_SCHEMA_VERSION) {
        fprintf(stderr, "hakbench merge: %s: schema version %lld, this hakbench writes %d; %s\n",
                path, version, DB_SCHEMA_VERSION,
                version < DB_SCHEMA_VERSION
                    ? "migrate it first by running any hakbench command on it with --db"
                    : "use a newer hakbench");
        return -1;
    }
    return 0;
}

/* The import, in dependency order. Temporary tables map the other file's ids to ours. */
static const char merge_sql[] =
    "CREATE TEMP TABLE merge_machine (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
    "INSERT OR IGNORE INTO main.machines (fingerprint, cpu_model, cores, kernel, governor, thp,"
    "    glibc, compiler, hostname)"
    "  SELECT fingerprint, cpu_model, cores, kernel, governor, thp, glibc, compiler, hostname"
    "    FROM other.machines ORDER BY id;"
    "INSERT INTO merge_machine SELECT o.id, m.id FROM other.machines o"
    "  JOIN main.machines m ON m.fingerprint = o.fingerprint;"

    "CREATE TEMP TABLE merge_build (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
    "INSERT OR IGNORE INTO main.builds (variant, kind, revision, dirty, flags, library_path,"
    "    library_hash, status, log_tail, built_at)"
    "  SELECT variant, kind, revision, dirty, flags, library_path, library_hash, status, log_tail,"
    "         built_at FROM other.builds ORDER BY id;"
    "INSERT INTO merge_build SELECT o.id, b.id FROM other.builds o"
    "  JOIN main.builds b ON b.variant = o.variant AND b.revision = o.revision"
    "   AND b.dirty = o.dirty AND b.flags = o.flags AND b.library_hash = o.library_hash;"

    "CREATE TEMP TABLE merge_new AS SELECT id AS src, uuid FROM other.sessions"
    "  WHERE uuid NOT IN (SELECT uuid FROM main.sessions);"
    "INSERT INTO main.sessions (uuid, kind, machine_id, started_at, finished_at, command, seed,"
    "    quick, metric, note)"
    "  SELECT o.uuid, o.kind, mm.dst, o.started_at, o.finished_at, o.command, o.seed, o.quick,"
    "         o.metric, o.note"
    "    FROM other.sessions o JOIN merge_new n ON n.src = o.id"
    "    JOIN merge_machine mm ON mm.src = o.machine_id ORDER BY o.id;"
    "CREATE TEMP TABLE merge_session (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
    "INSERT INTO merge_session SELECT n.src, s.id FROM merge_new n"
    "  JOIN main.sessions s ON s.uuid = n.uuid;"

    "INSERT INTO main.session_variants (session_id, position, spec, build_id)"
    "  SELECT ms.dst, v.position, v.spec, mb.dst FROM other.session_variants v"
    "    JOIN merge_session ms ON ms.src = v.session_id"
    "    LEFT JOIN merge_build mb ON mb.src = v.build_id;"

    "INSERT INTO main.runs (session_id, seq, build_id, variant, workload, args, purpose, block,"
    "    status, signal, exit_code, ops, seconds, ops_per_sec, instructions, wall_s, user_s,"
    "    sys_s, peak_rss_kb, minor_faults, major_faults, vol_ctxsw, invol_ctxsw, cpu,"
    "    result_line, stderr_tail, started_at)"
    "  SELECT ms.dst, r.seq, mb.dst, r.variant, r.workload, r.args, r.purpose, r.block,"
    "         r.status, r.signal, r.exit_code, r.ops, r.seconds, r.ops_per_sec, r.instructions,"
    "         r.wall_s, r.user_s, r.sys_s, r.peak_rss_kb, r.minor_faults, r.major_faults,"
    "         r.vol_ctxsw, r.invol_ctxsw, r.cpu, r.result_line, r.stderr_tail, r.started_at"
    "    FROM other.runs r JOIN merge_session ms ON ms.src = r.session_id"
    "    LEFT JOIN merge_build mb ON mb.src = r.build_id ORDER BY r.id;"
    "CREATE TEMP TABLE merge_run (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
    "INSERT INTO merge_run SELECT r.id, d.id FROM other.runs r"
    "  JOIN merge_session ms ON ms.src = r.session_id"
    "  JOIN main.runs d ON d.session_id = ms.dst AND d.seq = r.seq;"

    "INSERT INTO main.run_metrics (run_id, source, name, value)"
    "  SELECT mr.dst, x.source, x.name, x.value FROM other.run_metrics x"
    "    JOIN merge_run mr ON mr.src = x.run_id;"
    "INSERT INTO main.counters (run_id, name, value)"
    "  SELECT mr.dst, x.name, x.value FROM other.counters x JOIN merge_run mr ON mr.src = x.run_id;"
    "INSERT INTO main.rss_samples (run_id, t_ms, rss_kb)"
    "  SELECT mr.dst, x.t_ms, x.rss_kb FROM other.rss_samples x"
    "    JOIN merge_run mr ON mr.src = x.run_id;"
    "INSERT INTO main.bisect_steps (session_id, step, revision, verdict, detail, change, runs)"
    "  SELECT ms.dst, x.step, x.revision, x.verdict, x.detail, x.change, x.runs"
    "    FROM other.bisect_steps x JOIN merge_session ms ON ms.src = x.session_id;"

    /* Calibrations have no uuid: an identical row (machine, workload, time, figures) is the
     * same calibration. */
    "INSERT INTO main.calibrations (machine_id, workload, delta, false_positive_rate, power,"
    "    trials, created_at)"
    "  SELECT mm.dst, c.workload, c.delta, c.false_positive_rate, c.power, c.trials, c.created_at"
    "    FROM other.calibrations c JOIN merge_machine mm ON mm.src = c.machine_id"
    "   WHERE NOT EXISTS (SELECT 1 FROM main.calibrations d WHERE d.machine_id = mm.dst"
    "     AND d.workload = c.workload AND d.created_at = c.created_at AND d.delta = c.delta"
    "     AND d.trials = c.trials);";

static long long count_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return n;
}

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *db_path = DB_DEFAULT_PATH;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_path = optarg;
            break;
        case 'h':
            fputs(merge_usage, stdout);
            return 0;
        default:
            fputs(merge_usage, stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "hakbench merge: expected exactly one OTHER.db argument\n%s", merge_usage);
        return 2;
    }
    const char *other = argv[optind];
    char real_other[PATH_MAX], real_db[PATH_MAX];
    if (!realpath(other, real_other)) {
        fprintf(stderr, "hakbench merge: %s: no such file\n", other);
        return 2;
    }
    if (realpath(db_path, real_db) && strcmp(real_db, real_other) == 0) {
        fprintf(stderr, "hakbench merge: %s is the database being merged into; nothing to do\n",
                other);
        return 2;
    }
    if (check_other(real_other) != 0) return 2;
    char err[512];
    sqlite3 *db = db_open(db_path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hakbench merge: %s\n", err);
        return 2;
    }
    sqlite3_stmt *st = db_prepare(db, "ATTACH DATABASE ?1 AS other");
    sqlite3_bind_text(st, 1, real_other, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "hakbench merge: attaching %s: %s\n", other, sqlite3_errmsg(db));
        db_close(db);
        return 2;
    }
    long long machines0 = count_of(db, "SELECT count(*) FROM main.machines");
    long long builds0 = count_of(db, "SELECT count(*) FROM main.builds");
    long long runs0 = count_of(db, "SELECT count(*) FROM main.runs");
    int status = 2;
    if (db_exec(db, "BEGIN IMMEDIATE", "merge: locking the database") != 0) goto out;
    if (db_exec(db, merge_sql, "merge") != 0) {
        db_exec(db, "ROLLBACK", "merge: rollback");
        goto out;
    }
    long long added = count_of(db, "SELECT count(*) FROM temp.merge_session");
    long long present = count_of(db, "SELECT count(*) FROM other.sessions") - added;
    long long steps = count_of(db, "SELECT count(*) FROM other.bisect_steps WHERE session_id IN "
                                   "(SELECT src FROM temp.merge_session)");
    if (db_exec(db,
                "DROP TABLE temp.merge_machine; DROP TABLE temp.merge_build;"
                "DROP TABLE temp.merge_new; DROP TABLE temp.merge_session;"
                "DROP TABLE temp.merge_run; COMMIT",
                "merge: commit") != 0) {
        db_exec(db, "ROLLBACK", "merge: rollback");
        goto out;
    }
    printf("merged %s into %s: %lld new session(s) with %lld run(s) and %lld bisect step(s); "
           "%lld already present; %lld new machine(s), %lld new build(s)\n",
           other, db_path, added, count_of(db, "SELECT count(*) FROM main.runs") - runs0, steps,
           present, count_of(db, "SELECT count(*) FROM main.machines") - machines0,
           count_of(db, "SELECT count(*) FROM main.builds") - builds0);
    status = 0;
out:
    db_exec(db, "DETACH DATABASE other", "merge: detach");
    db_close(db);
    return status;
}
