/* The questions compare, the session report and the nightly ask of the runs (see runs.h). Every
 * query orders its rows, so two loads of one session give the same answers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/runs.h"

static void read_sample(sql_stmt *st, void *row)
{
    store_sample *x = row;
    x->is_a = (int)sql_int64(st, 0);
    x->pair_key = sql_int64(st, 1);
    x->ok = (int)sql_int64(st, 2);
    x->has_value = !sql_is_null(st, 3);
    x->value = sql_double(st, 3);
    x->has_rss = !sql_is_null(st, 4);
    x->rss_kb = sql_double(st, 4);
    x->has_rss_after = !sql_is_null(st, 5);
    x->rss_after_kb = sql_double(st, 5);
}

int store_load_samples(store *s, int64_t session_a, const char *a, int64_t session_b, const char *b,
                       const char *workload, int instructions, store_sample **out)
{
    /* Runs pair by block only within one session: blocks of two sessions were not interleaved,
     * so across sessions each run is a block of its own (-1 - id). */
    sql_stmt *st = sql_prepare(s->sql, "SELECT session_id = ?1 AND variant = ?3,"
                                       " CASE WHEN ?1 = ?6 THEN block ELSE -1 - id END, status = "
                                       "'ok', CASE WHEN ?5 = 1 THEN instructions ELSE ops_per_sec "
                                       "END, peak_rss_kb, (SELECT value FROM run_metrics m WHERE "
                                       "m.run_id = runs.id AND m.source = 'result' AND m.name = "
                                       "'rss_after_free_kb') FROM runs WHERE workload = ?2 AND "
                                       "purpose = 'measure' AND ((session_id = ?1 AND variant = "
                                       "?3) OR (session_id = ?6 AND variant = ?4)) ORDER BY "
                                       "block, seq");
    sql_bind_int64(st, 1, session_a);
    sql_bind_text(st, 2, workload);
    sql_bind_text(st, 3, a);
    sql_bind_text(st, 4, b);
    sql_bind_int64(st, 5, instructions);
    sql_bind_int64(st, 6, session_b);
    return store_collect(st, (void **)out, sizeof **out, read_sample, "compare");
}

/* A one-column list of names (char[64] each). */
void store_read_name(sql_stmt *st, void *row)
{
    sql_text_copy(st, 0, row, 64);
}

int store_common_workloads(store *s, int64_t session_a, const char *a, int64_t session_b,
                           const char *b, const char *only, char (**out)[64])
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT workload FROM runs WHERE session_id = ?1 AND "
                                       "variant = ?2 AND purpose = 'measure' AND (?4 IS NULL OR "
                                       "workload = ?4) INTERSECT SELECT workload FROM runs WHERE "
                                       "session_id = ?5 AND variant = ?3 AND purpose = 'measure' "
                                       "ORDER BY 1");
    sql_bind_int64(st, 1, session_a);
    sql_bind_text(st, 2, a);
    sql_bind_text(st, 3, b);
    sql_bind_text(st, 4, only);
    sql_bind_int64(st, 5, session_b);
    return store_collect(st, (void **)out, sizeof **out, store_read_name, "compare");
}

static void read_measured_run(sql_stmt *st, void *row)
{
    store_measured_run *r = row;
    sql_text_copy(st, 0, r->variant, sizeof r->variant);
    sql_text_copy(st, 1, r->workload, sizeof r->workload);
    r->ok = (int)sql_int64(st, 2);
    r->has_ops = !sql_is_null(st, 3);
    r->ops_per_sec = sql_double(st, 3);
    r->has_rss = !sql_is_null(st, 4);
    r->peak_rss_kb = sql_double(st, 4);
    r->run_id = sql_int64(st, 5);
    r->seq = (int)sql_int64(st, 6);
    sql_text_copy(st, 7, r->args, sizeof r->args);
}

int store_session_measured_runs(store *s, int64_t session, store_measured_run **out)
{
    sql_stmt *st =
        sql_prepare(s->sql, "SELECT variant, workload, status = 'ok', ops_per_sec, peak_rss_kb, id,"
                            " seq, args FROM runs WHERE session_id = ?1 AND purpose = 'measure'"
                            " ORDER BY seq");
    sql_bind_int64(st, 1, session);
    return store_collect(st, (void **)out, sizeof **out, read_measured_run,
                         "reading the measured runs");
}

static void read_run_value(sql_stmt *st, void *row)
{
    store_run_value *v = row;
    sql_text_copy(st, 0, v->variant, sizeof v->variant);
    sql_text_copy(st, 1, v->workload, sizeof v->workload);
    v->value = sql_double(st, 2);
}

int store_session_result_metric(store *s, int64_t session, const char *name, store_run_value **out)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT r.variant, r.workload, m.value FROM run_metrics m"
                                       " JOIN runs r ON r.id = m.run_id WHERE r.session_id = ?1"
                                       " AND r.purpose = 'measure' AND r.status = 'ok' AND "
                                       "m.source = 'result' AND m.name = ?2 ORDER BY r.seq");
    sql_bind_int64(st, 1, session);
    sql_bind_text(st, 2, name);
    return store_collect(st, (void **)out, sizeof **out, read_run_value, "reading run metrics");
}

typedef struct {
    int t_ms;
    long kb;
} rss_sample;

static void read_rss_sample(sql_stmt *st, void *row)
{
    rss_sample *x = row;
    x->t_ms = (int)sql_int64(st, 0);
    x->kb = (long)sql_int64(st, 1);
}

int store_run_rss(store *s, int64_t run_id, int **t_ms, long **kb)
{
    sql_stmt *st =
        sql_prepare(s->sql, "SELECT t_ms, rss_kb FROM rss_samples WHERE run_id = ?1 ORDER BY t_ms");
    sql_bind_int64(st, 1, run_id);
    rss_sample *x;
    int n = store_collect(st, (void **)&x, sizeof *x, read_rss_sample, "reading RSS samples");
    *t_ms = n > 0 ? malloc((size_t)n * sizeof **t_ms) : NULL;
    *kb = n > 0 ? malloc((size_t)n * sizeof **kb) : NULL;
    if (n > 0 && (!*t_ms || !*kb)) n = 0;
    for (int i = 0; i < n; i++) {
        (*t_ms)[i] = x[i].t_ms;
        (*kb)[i] = x[i].kb;
    }
    free(x);
    return n > 0 ? n : 0;
}

static void read_counter_value(sql_stmt *st, void *row)
{
    store_counter_value *c = row;
    sql_text_copy(st, 0, c->name, sizeof c->name);
    c->value = sql_double(st, 1);
    c->ops = sql_double(st, 2);
    c->is_b = (int)sql_int64(st, 3);
    c->run_id = sql_int64(st, 4);
}

/* Binds the parameters of the A-against-B questions: ?1 session, ?2 workload, ?3 A, ?4 B. */
static void bind_ab(sql_stmt *st, int64_t session, const char *workload, const char *a,
                    const char *b)
{
    sql_bind_int64(st, 1, session);
    sql_bind_text(st, 2, workload);
    sql_bind_text(st, 3, a);
    sql_bind_text(st, 4, b);
}

int store_counters_runs(store *s, int64_t session, const char *workload, const char *a,
                        const char *b, store_counter_value **out)
{
    sql_stmt *st =
        sql_prepare(s->sql, "SELECT c.name, c.value, COALESCE(r.ops, 0), r.variant = ?4, r.id FROM "
                            "counters c JOIN runs r ON r.id = c.run_id"
                            " WHERE r.session_id = ?1 AND r.workload = ?2 AND r.purpose = "
                            "'counters' AND r.status = 'ok' AND r.variant IN (?3, ?4)"
                            " ORDER BY c.name, r.variant = ?4, r.seq");
    bind_ab(st, session, workload, a, b);
    return store_collect(st, (void **)out, sizeof **out, read_counter_value, "reading counters");
}

static void read_event_value(sql_stmt *st, void *row)
{
    store_event_value *e = row;
    sql_text_copy(st, 0, e->name, sizeof e->name);
    e->is_b = (int)sql_int64(st, 1);
    e->per_op = sql_double(st, 2);
}

int store_perf_events(store *s, int64_t session, const char *workload, const char *a, const char *b,
                      store_event_value **out)
{
    sql_stmt *st =
        sql_prepare(s->sql, "SELECT m.name, r.variant = ?4, m.value / r.ops FROM run_metrics m"
                            " JOIN runs r ON r.id = m.run_id WHERE r.session_id = ?1 AND "
                            "r.workload = ?2 AND r.purpose = 'measure' AND r.status = 'ok' AND "
                            "m.source = 'perf' AND r.ops > 0 AND r.variant IN (?3, ?4) ORDER BY "
                            "m.name, r.variant, r.seq");
    bind_ab(st, session, workload, a, b);
    return store_collect(st, (void **)out, sizeof **out, read_event_value, "reading perf events");
}

static void read_failure_group(sql_stmt *st, void *row)
{
    store_failure *f = row;
    sql_text_copy(st, 0, f->variant, sizeof f->variant);
    sql_text_copy(st, 1, f->workload, sizeof f->workload);
    sql_text_copy(st, 2, f->status, sizeof f->status);
    f->count = (int)sql_int64(st, 3);
    f->seq = (int)sql_int64(st, 4);
    f->of = (int)sql_int64(st, 5);
    if (f->of < f->count) f->of = f->count;
    f->signal = f->exit_code = -1;
    f->peak_rss_kb = NAN;
}

int store_session_failures(store *s, int64_t session, store_failure **out)
{
    sql_stmt *st =
        sql_prepare(s->sql, "SELECT f.variant, f.workload, f.status, COUNT(*), MIN(f.seq),"
                            " (SELECT COUNT(*) FROM runs t WHERE t.session_id = ?1"
                            "   AND t.variant = f.variant AND t.workload = f.workload)"
                            " FROM runs f WHERE f.session_id = ?1 AND f.status <> 'ok'"
                            " GROUP BY f.variant, f.workload, f.status ORDER BY MIN(f.seq)");
    sql_bind_int64(st, 1, session);
    int n = store_collect(st, (void **)out, sizeof **out, read_failure_group,
                          "reading the failed runs");
    /* The first failed run of each group is its example. */
    sql_stmt *ex = sql_prepare(s->sql, "SELECT id, COALESCE(signal, -1), COALESCE(exit_code, -1),"
                                       " peak_rss_kb, stderr_tail, args FROM runs WHERE "
                                       "session_id = ?1 AND seq = ?2");
    for (int i = 0; i < n; i++) {
        store_failure *f = &(*out)[i];
        sql_reset(ex);
        sql_bind_int64(ex, 1, session);
        sql_bind_int64(ex, 2, f->seq);
        if (sql_step(ex) != SQL_ROW) continue;
        f->run_id = sql_int64(ex, 0);
        f->signal = (int)sql_int64(ex, 1);
        f->exit_code = (int)sql_int64(ex, 2);
        if (!sql_is_null(ex, 3)) f->peak_rss_kb = sql_double(ex, 3);
        sql_text_copy(ex, 4, f->stderr_tail, sizeof f->stderr_tail);
        sql_text_copy(ex, 5, f->args, sizeof f->args);
    }
    sql_finalize(ex);
    return n;
}

void store_session_run_counts(store *s, int64_t session, int *measure, int *warmup, int *counters)
{
    *measure = *warmup = *counters = 0;
    sql_stmt *st = sql_prepare(s->sql, "SELECT purpose, COUNT(*) FROM runs WHERE session_id = ?1 "
                                       "GROUP BY purpose");
    sql_bind_int64(st, 1, session);
    while (sql_step(st) == SQL_ROW) {
        const char *p = sql_text(st, 0);
        int n = (int)sql_int64(st, 1);
        if (strcmp(p, "measure") == 0) *measure = n;
        if (strcmp(p, "warmup") == 0) *warmup = n;
        if (strcmp(p, "counters") == 0) *counters = n;
    }
    sql_finalize(st);
}

static void read_history_run(sql_stmt *st, void *row)
{
    store_history_run *h = row;
    h->session_id = sql_int64(st, 0);
    sql_text_copy(st, 1, h->started_at, sizeof h->started_at);
    h->ops_per_sec = sql_double(st, 2);
}

int store_nightly_history(store *s, const store_session *today, const char *variant,
                          const char *workload, store_history_run **out)
{
    sql_stmt *st = sql_prepare(
        s->sql, "SELECT s.id, s.started_at, r.ops_per_sec FROM sessions s "
                "JOIN runs r ON r.session_id = s.id WHERE s.kind = 'nightly' AND s.machine_id = "
                "?1 AND s.quick = ?2 AND (s.finished_at IS NOT NULL OR s.id = ?3) "
                "AND (s.started_at < ?4 OR (s.started_at = ?4 AND s.id <= ?3)) "
                "AND r.variant = ?5 AND r.workload = ?6 AND r.purpose = 'measure' "
                "AND r.status = 'ok' AND r.ops_per_sec IS NOT NULL ORDER BY s.started_at, s.id");
    sql_bind_int64(st, 1, today->machine_id);
    sql_bind_int64(st, 2, today->quick);
    sql_bind_int64(st, 3, today->id);
    sql_bind_text(st, 4, today->started_at);
    sql_bind_text(st, 5, variant);
    sql_bind_text(st, 6, workload);
    return store_collect(st, (void **)out, sizeof **out, read_history_run,
                         "reading the nightly history");
}
