/* The sessions table and the questions about it (see sessions.h). */
#include "store/sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/clock.h"

int64_t store_session_create(store *s, const store_new_session *n, char uuid[37])
{
    char id[37], now[32];
    store_make_uuid(id);
    clock_utc_iso(now, sizeof now);
    sql_stmt *st = sql_prepare(s->sql, "INSERT INTO sessions (uuid, kind, machine_id, started_at, "
                                       "command, seed, quick, metric, note, hakbench_revision, "
                                       "procedure_version, looks, runs_per_look, alpha, delta, "
                                       "holm_family) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                       "?10, ?11, ?12, ?13, ?14, ?15, ?16) RETURNING id");
    sql_bind_text(st, 1, id);
    sql_bind_text(st, 2, n->kind);
    sql_bind_int64(st, 3, n->machine_id);
    sql_bind_text(st, 4, now);
    sql_bind_text(st, 5, n->command ? n->command : "");
    sql_bind_int64(st, 6, (int64_t)n->seed);
    sql_bind_int64(st, 7, n->quick);
    sql_bind_text(st, 8, n->instructions ? "instructions" : "time");
    sql_bind_text(st, 9, n->note ? n->note : "");
    sql_bind_text(st, 10, n->hakbench_revision ? n->hakbench_revision : "");
    sql_bind_int64(st, 11, n->procedure_version);
    sql_bind_int64(st, 12, n->looks > 0 ? n->looks : 1);
    sql_bind_int64(st, 13, n->runs_per_look);
    sql_bind_double(st, 14, n->alpha > 0 ? n->alpha : 0.05);
    sql_bind_double(st, 15, n->delta > 0 ? n->delta : 0.02);
    sql_bind_int64(st, 16, n->holm_family > 1 ? n->holm_family : 1);
    int64_t session = sql_run_returning_id(st, "creating the session");
    if (session > 0 && uuid) memcpy(uuid, id, sizeof id);
    return session;
}

int store_session_add_variant(store *s, int64_t session, int position, const char *spec,
                              int64_t build_id)
{
    sql_stmt *st = sql_prepare(s->sql, "INSERT INTO session_variants (session_id, position, spec, "
                                       "build_id) VALUES (?1, ?2, ?3, ?4)");
    sql_bind_int64(st, 1, session);
    sql_bind_int64(st, 2, position);
    sql_bind_text(st, 3, spec);
    if (build_id > 0) sql_bind_int64(st, 4, build_id);
    char what[200];
    snprintf(what, sizeof what, "recording variant %s", spec);
    return sql_run(st, what);
}

int store_session_variant_at(store *s, int64_t session, int position, char *spec, size_t len)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT spec FROM session_variants WHERE session_id = ?1 "
                                       "AND position = ?2");
    sql_bind_int64(st, 1, session);
    sql_bind_int64(st, 2, position);
    int rc = sql_step(st);
    if (rc == SQL_ROW) sql_text_copy(st, 0, spec, len);
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

int store_session_finish(store *s, int64_t session)
{
    char now[32];
    clock_utc_iso(now, sizeof now);
    sql_stmt *st = sql_prepare(s->sql, "UPDATE sessions SET finished_at = ?1 WHERE id = ?2");
    sql_bind_text(st, 1, now);
    sql_bind_int64(st, 2, session);
    return sql_run(st, "finishing the session");
}

int store_session_get(store *s, int64_t id, store_session *out)
{
    memset(out, 0, sizeof *out);
    sql_stmt *st = sql_prepare(
        s->sql, "SELECT s.uuid, s.kind, s.started_at, COALESCE(s.finished_at, ''), s.command,"
                " s.seed, s.quick, s.metric, s.note, s.machine_id, m.fingerprint, m.cpu_model,"
                " m.cores, m.kernel, m.governor, m.thp, m.glibc, m.compiler, m.hostname,"
                " s.hakbench_revision, s.procedure_version, s.looks, s.runs_per_look, s.alpha,"
                " s.delta, s.holm_family FROM sessions s JOIN machines m ON m.id = s.machine_id "
                "WHERE s.id = ?1");
    sql_bind_int64(st, 1, id);
    int rc = sql_step(st);
    if (rc == SQL_ROW) {
        out->id = id;
        sql_text_copy(st, 0, out->uuid, sizeof out->uuid);
        sql_text_copy(st, 1, out->kind, sizeof out->kind);
        sql_text_copy(st, 2, out->started_at, sizeof out->started_at);
        sql_text_copy(st, 3, out->finished_at, sizeof out->finished_at);
        sql_text_copy(st, 4, out->command, sizeof out->command);
        out->seed = (uint64_t)sql_int64(st, 5);
        out->quick = (int)sql_int64(st, 6);
        sql_text_copy(st, 7, out->metric, sizeof out->metric);
        sql_text_copy(st, 8, out->note, sizeof out->note);
        out->machine_id = sql_int64(st, 9);
        machine_info *m = &out->machine;
        sql_text_copy(st, 10, m->fingerprint, sizeof m->fingerprint);
        sql_text_copy(st, 11, m->cpu_model, sizeof m->cpu_model);
        m->cores = (int)sql_int64(st, 12);
        sql_text_copy(st, 13, m->kernel, sizeof m->kernel);
        sql_text_copy(st, 14, m->governor, sizeof m->governor);
        sql_text_copy(st, 15, m->thp, sizeof m->thp);
        sql_text_copy(st, 16, m->glibc, sizeof m->glibc);
        sql_text_copy(st, 17, m->compiler, sizeof m->compiler);
        sql_text_copy(st, 18, m->hostname, sizeof m->hostname);
        sql_text_copy(st, 19, out->hakbench_revision, sizeof out->hakbench_revision);
        out->procedure_version = (int)sql_int64(st, 20);
        out->looks = (int)sql_int64(st, 21);
        out->runs_per_look = (int)sql_int64(st, 22);
        out->alpha = sql_double(st, 23);
        out->delta = sql_double(st, 24);
        out->holm_family = (int)sql_int64(st, 25);
    } else if (rc == SQL_ERROR) {
        fprintf(stderr, "hakbench: reading session %lld: %s\n", (long long)id, sql_stmt_error(st));
    }
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

static void read_session_line(sql_stmt *st, void *row)
{
    store_session_line *l = row;
    l->id = sql_int64(st, 0);
    sql_text_copy(st, 1, l->kind, sizeof l->kind);
    sql_text_copy(st, 2, l->started_at, sizeof l->started_at);
    sql_text_copy(st, 3, l->finished_at, sizeof l->finished_at);
    sql_text_copy(st, 4, l->command, sizeof l->command);
    sql_text_copy(st, 5, l->variants, sizeof l->variants);
    sql_text_copy(st, 6, l->workloads, sizeof l->workloads);
    l->runs = (int)sql_int64(st, 7);
    l->failed = (int)sql_int64(st, 8);
}

int store_session_list(store *s, store_session_line **out)
{
    sql_stmt *st = sql_prepare(
        s->sql,
        "SELECT s.id, s.kind, s.started_at, COALESCE(s.finished_at, ''), s.command,"
        " COALESCE((SELECT group_concat(spec, ',') FROM (SELECT spec FROM session_variants v"
        "   WHERE v.session_id = s.id ORDER BY v.position) AS x), ''),"
        " COALESCE((SELECT group_concat(workload, ',') FROM (SELECT workload FROM runs r"
        "   WHERE r.session_id = s.id GROUP BY workload ORDER BY MIN(seq)) AS x), ''),"
        " (SELECT count(*) FROM runs r WHERE r.session_id = s.id AND r.purpose = 'measure'),"
        " (SELECT count(*) FROM runs r WHERE r.session_id = s.id AND r.purpose = 'measure'"
        "   AND r.status <> 'ok')"
        " FROM sessions s ORDER BY s.id");
    return store_collect(st, (void **)out, sizeof **out, read_session_line, "listing the sessions");
}

static int64_t one_id(sql_stmt *st)
{
    int64_t id = sql_step(st) == SQL_ROW ? sql_int64(st, 0) : 0;
    sql_finalize(st);
    return id;
}

int64_t store_latest_session_with(store *s, const char *a, const char *b)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT session_id FROM runs WHERE variant = ?1"
                                       " AND purpose = 'measure' INTERSECT "
                                       "SELECT session_id FROM runs WHERE variant = ?2"
                                       " AND purpose = 'measure' ORDER BY 1 DESC LIMIT 1");
    sql_bind_text(st, 1, a);
    sql_bind_text(st, 2, b);
    return one_id(st);
}

int64_t store_latest_session_of(store *s, const char *spec, int64_t except)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT max(session_id) FROM runs WHERE variant = ?1"
                                       " AND purpose = 'measure' AND session_id != ?2");
    sql_bind_text(st, 1, spec);
    sql_bind_int64(st, 2, except);
    return one_id(st);
}

int store_session_has_variant(store *s, int64_t session, const char *spec)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT 1 FROM runs WHERE session_id = ?1 AND variant = ?2"
                                       " AND purpose = 'measure' LIMIT 1");
    sql_bind_int64(st, 1, session);
    sql_bind_text(st, 2, spec);
    return one_id(st) == 1;
}

int store_count_fingerprints(store *s, int64_t a, int64_t b)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT count(DISTINCT m.fingerprint) FROM sessions s"
                                       " JOIN machines m ON m.id = s.machine_id WHERE s.id IN "
                                       "(?1, ?2)");
    sql_bind_int64(st, 1, a);
    sql_bind_int64(st, 2, b);
    return (int)one_id(st);
}

int store_previous_nightly(store *s, const store_session *today, int64_t *id, char date[40])
{
    sql_stmt *st =
        sql_prepare(s->sql, "SELECT id, started_at FROM sessions WHERE kind = 'nightly' "
                            "AND machine_id = ?1 AND quick = ?2 AND finished_at IS NOT NULL "
                            "AND id <> ?3 AND (started_at < ?4 OR (started_at = ?4 AND id < ?3)) "
                            "ORDER BY started_at DESC, id DESC LIMIT 1");
    sql_bind_int64(st, 1, today->machine_id);
    sql_bind_int64(st, 2, today->quick);
    sql_bind_int64(st, 3, today->id);
    sql_bind_text(st, 4, today->started_at);
    int found = sql_step(st) == SQL_ROW;
    if (found) {
        *id = sql_int64(st, 0);
        sql_text_copy(st, 1, date, 40);
    }
    sql_finalize(st);
    return found;
}

int store_session_workloads(store *s, int64_t session, char (**out)[64])
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT workload FROM runs WHERE session_id = ?1"
                                       " GROUP BY workload ORDER BY MIN(seq)");
    sql_bind_int64(st, 1, session);
    return store_collect(st, (void **)out, sizeof **out, store_read_name, "reading the workloads");
}

static void read_pair(sql_stmt *st, void *row)
{
    store_pair *p = row;
    sql_text_copy(st, 0, p->variant, sizeof p->variant);
    sql_text_copy(st, 1, p->workload, sizeof p->workload);
}

int store_session_pairs(store *s, int64_t session, store_pair **out)
{
    sql_stmt *st = sql_prepare(
        s->sql,
        "SELECT r.variant, r.workload, min(v.position) FROM runs r "
        "LEFT JOIN session_variants v ON v.session_id = r.session_id AND v.spec = r.variant "
        "WHERE r.session_id = ?1 AND r.purpose = 'measure' GROUP BY r.variant, r.workload "
        "ORDER BY 3, r.variant, r.workload");
    sql_bind_int64(st, 1, session);
    return store_collect(st, (void **)out, sizeof **out, read_pair, "reading the session");
}
