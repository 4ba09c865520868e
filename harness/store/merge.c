/* Merging databases (see merge.h). */
#include "store/merge.h"

#include <stdio.h>
#include <string.h>

#include "store/internal.h"

/* The other file must be a hakmem database of exactly this schema version: an older one is
 * migrated by opening it with hakbench first (merge never writes to it), a newer one needs a
 * newer hakbench. Checked on a read-only connection before it is attached. */
int store_check_mergeable(const char *path, char *err, size_t errlen)
{
    sql_conn *o = sql_open_readonly(path, err, errlen);
    if (!o) return -1;
    long long version = sql_schema_version(o);
    int tables = 0;
    static const char *const needed[] = {"machines", "builds", "sessions", "runs", "bisect_steps"};
    for (size_t i = 0; version >= 0 && i < sizeof needed / sizeof *needed; i++)
        tables += sql_has_table(o, needed[i]) == 1;
    sql_close(o);
    if (version < 0) {
        snprintf(err, errlen, "%s: not an SQLite database (or unreadable)", path);
        return -1;
    }
    if (tables != 5 || version == 0) {
        snprintf(err, errlen, "%s: not a hakmem results database", path);
        return -1;
    }
    if (version != STORE_SCHEMA_VERSION) {
        snprintf(err, errlen, "%s: schema version %lld, this hakbench writes %d; %s", path, version,
                 STORE_SCHEMA_VERSION,
                 version < STORE_SCHEMA_VERSION
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
    "    quick, metric, note, hakbench_revision, procedure_version, looks, runs_per_look, alpha,"
    "    delta, holm_family)"
    "  SELECT o.uuid, o.kind, mm.dst, o.started_at, o.finished_at, o.command, o.seed, o.quick,"
    "         o.metric, o.note, o.hakbench_revision, o.procedure_version, o.looks,"
    "         o.runs_per_look, o.alpha, o.delta, o.holm_family"
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
    "INSERT INTO main.profiles (session_id, variant, workload, tool, args, status, ops, total)"
    "  SELECT ms.dst, x.variant, x.workload, x.tool, x.args, x.status, x.ops, x.total"
    "    FROM other.profiles x JOIN merge_session ms ON ms.src = x.session_id ORDER BY x.id;"
    "CREATE TEMP TABLE merge_profile (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
    "INSERT INTO merge_profile SELECT x.id, d.id FROM other.profiles x"
    "  JOIN merge_session ms ON ms.src = x.session_id"
    "  JOIN main.profiles d ON d.session_id = ms.dst AND d.variant = x.variant"
    "   AND d.workload = x.workload AND d.tool = x.tool;"
    "INSERT INTO main.profile_stacks (profile_id, stack, value)"
    "  SELECT mp.dst, x.stack, x.value FROM other.profile_stacks x"
    "    JOIN merge_profile mp ON mp.src = x.profile_id;"
    "INSERT INTO main.bisect_steps (session_id, step, revision, verdict, detail, change, runs,"
    "    ci_lo, ci_hi)"
    "  SELECT ms.dst, x.step, x.revision, x.verdict, x.detail, x.change, x.runs, x.ci_lo,"
    "         x.ci_hi"
    "    FROM other.bisect_steps x JOIN merge_session ms ON ms.src = x.session_id;"

    /* Calibrations have no uuid: an identical row (machine, workload, time, figures) is the
     * same calibration. */
    "INSERT INTO main.calibrations (machine_id, workload, delta, false_positive_rate, power,"
    "    trials, created_at, quick, paired, procedure_version, looks, runs_per_look, alpha,"
    "    holm_family, false_positive_lo, false_positive_hi, power_lo, power_hi, injected_change,"
    "    power_small, injected_small_change, aa_noise_p95, seconds_per_comparison)"
    "  SELECT mm.dst, c.workload, c.delta, c.false_positive_rate, c.power, c.trials, c.created_at,"
    "         c.quick, c.paired, c.procedure_version, c.looks, c.runs_per_look, c.alpha,"
    "         c.holm_family, c.false_positive_lo, c.false_positive_hi, c.power_lo, c.power_hi,"
    "         c.injected_change, c.power_small, c.injected_small_change, c.aa_noise_p95,"
    "         c.seconds_per_comparison"
    "    FROM other.calibrations c JOIN merge_machine mm ON mm.src = c.machine_id"
    "   WHERE NOT EXISTS (SELECT 1 FROM main.calibrations d WHERE d.machine_id = mm.dst"
    "     AND d.workload = c.workload AND d.created_at = c.created_at AND d.delta = c.delta"
    "     AND d.trials = c.trials);";

static long long count_of(store *s, const char *sql)
{
    sql_stmt *st = sql_prepare(s->sql, sql);
    long long n = sql_step(st) == SQL_ROW ? sql_int64(st, 0) : 0;
    sql_finalize(st);
    return n;
}

int store_merge(store *s, const char *other_path, store_merge_counts *counts, char *err,
                size_t errlen)
{
    memset(counts, 0, sizeof *counts);
    err[0] = '\0';
    if (store_check_mergeable(other_path, err, errlen) != 0) return -1;
    if (sql_attach(s->sql, other_path, "other") != 0) {
        snprintf(err, errlen, "attaching %s failed", other_path);
        return -1;
    }
    long long machines0 = count_of(s, "SELECT count(*) FROM main.machines");
    long long builds0 = count_of(s, "SELECT count(*) FROM main.builds");
    long long runs0 = count_of(s, "SELECT count(*) FROM main.runs");
    int status = -1;
    if (sql_begin_write(s->sql, "merge: locking the database") != 0) goto out;
    if (sql_exec(s->sql, merge_sql, "merge") != 0) {
        sql_rollback(s->sql);
        goto out;
    }
    counts->sessions = count_of(s, "SELECT count(*) FROM temp.merge_session");
    counts->present = count_of(s, "SELECT count(*) FROM other.sessions") - counts->sessions;
    counts->bisect_steps = count_of(s, "SELECT count(*) FROM other.bisect_steps WHERE session_id "
                                       "IN (SELECT src FROM temp.merge_session)");
    if (sql_exec(s->sql,
                 "DROP TABLE temp.merge_machine; DROP TABLE temp.merge_build;"
                 "DROP TABLE temp.merge_new; DROP TABLE temp.merge_session;"
                 "DROP TABLE temp.merge_run; DROP TABLE temp.merge_profile; COMMIT",
                 "merge: commit") != 0) {
        sql_rollback(s->sql);
        goto out;
    }
    counts->runs = count_of(s, "SELECT count(*) FROM main.runs") - runs0;
    counts->machines = count_of(s, "SELECT count(*) FROM main.machines") - machines0;
    counts->builds = count_of(s, "SELECT count(*) FROM main.builds") - builds0;
    status = 0;
out:
    sql_detach(s->sql, "other");
    if (status != 0 && !err[0]) snprintf(err, errlen, "nothing was merged (see above)");
    return status;
}
